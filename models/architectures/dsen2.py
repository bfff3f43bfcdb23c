"""DSen2-style guided super-resolution network (Lanaras et al. 2018), small enough for the CPU.

Input: the high-resolution guide bands followed by the low-resolution bands already upsampled (bicubic) to the
high-resolution grid; output: the upsampled bands plus a learned residual. The last `n_classes` input channels are the
bands being sharpened, so a network with no guide bands (in_channels == n_classes) is a single-image model.
"""
from __future__ import annotations

from . import register


def receptive_radius(blocks: int) -> int:
    """Pixels of context each output pixel sees on each side: one 3x3 head, two per block, one tail."""
    return 2 + 2 * blocks


@register("dsen2")
def dsen2(in_channels: int, n_classes: int, features: int = 64, blocks: int = 6, res_scale: float = 0.1):
    from torch import nn

    if n_classes > in_channels:
        raise ValueError("dsen2: the bands to sharpen must be among the inputs (n_classes <= in_channels)")

    class ResBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(features, features, 3, padding=1), nn.ReLU(inplace=True),
                                      nn.Conv2d(features, features, 3, padding=1))

        def forward(self, x):
            return x + res_scale * self.body(x)  # DSen2's residual scaling keeps deep stacks stable

    class DSen2(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.n_out = n_classes
            self.head = nn.Sequential(nn.Conv2d(in_channels, features, 3, padding=1), nn.ReLU(inplace=True))
            self.blocks = nn.Sequential(*[ResBlock() for _ in range(blocks)])
            self.tail = nn.Conv2d(features, n_classes, 3, padding=1)

        def forward(self, x):
            return x[:, -self.n_out:] + self.tail(self.blocks(self.head(x)))

    return DSen2()
