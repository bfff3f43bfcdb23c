"""DSen2-style super-resolution networks (Lanaras et al. 2018), small enough for the CPU.

Input: the high-resolution guide bands followed by the low-resolution bands already upsampled (bicubic) to the
high-resolution grid; output: the upsampled bands plus a learned residual. The last `n_classes` input channels are the
bands being sharpened, so a network with no guide bands (in_channels == n_classes) is a single-image model.

`dsen2` convolves on the high-resolution grid; `dsen2_lowres` convolves on the low-resolution grid (every 2 x 2 block
of the input stacked as 4 channels, the residual returned by a sub-pixel convolution, as ESPCN does): 4 times fewer
pixels per convolution for the same input and output.
"""
from __future__ import annotations

from . import register


def receptive_radius(blocks: int, lowres: bool = False) -> int:
    """High-resolution pixels of context each output pixel sees on each side: one 3x3 head, two per block, one tail
    (on the low-resolution grid each counts twice, plus one for the position inside the 2 x 2 block)."""
    radius = 2 + 2 * blocks
    return 2 * radius + 1 if lowres else radius


def activation_bytes(tile: int, params: dict, lowres: bool = False) -> int:
    """Bytes of one float32 feature map of a `tile` x `tile` high-resolution tile: about what one more tile (or band)
    in a forward pass costs, as each layer holds about two such maps at a time."""
    pixels = tile * tile // (4 if lowres else 1)
    return 4 * pixels * int(params.get("features", 64))


def _res_block(features: int, res_scale: float):
    from torch import nn

    class ResBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(features, features, 3, padding=1), nn.ReLU(inplace=True),
                                      nn.Conv2d(features, features, 3, padding=1))

        def forward(self, x):
            return x + res_scale * self.body(x)  # DSen2's residual scaling keeps deep stacks stable

    return ResBlock()


def _check(in_channels: int, n_classes: int, name: str) -> None:
    if n_classes > in_channels:
        raise ValueError(f"{name}: the bands to sharpen must be among the inputs (n_classes <= in_channels)")


@register("dsen2")
def dsen2(in_channels: int, n_classes: int, features: int = 64, blocks: int = 6, res_scale: float = 0.1):
    from torch import nn

    _check(in_channels, n_classes, "dsen2")

    class DSen2(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.n_out = n_classes
            self.head = nn.Sequential(nn.Conv2d(in_channels, features, 3, padding=1), nn.ReLU(inplace=True))
            self.blocks = nn.Sequential(*[_res_block(features, res_scale) for _ in range(blocks)])
            self.tail = nn.Conv2d(features, n_classes, 3, padding=1)

        def forward(self, x):
            return x[:, -self.n_out:] + self.tail(self.blocks(self.head(x)))

    return DSen2()


@register("dsen2_lowres")
def dsen2_lowres(in_channels: int, n_classes: int, features: int = 32, blocks: int = 4, res_scale: float = 0.1):
    """Input (N, in_channels, H, W) with H and W even, 2 x 2 blocks aligned with the low-resolution pixels (the
    engine's tiles start at even offsets); output (N, n_classes, H, W)."""
    import torch
    from torch import nn

    _check(in_channels, n_classes, "dsen2_lowres")

    class DSen2LowRes(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.n_out = n_classes
            self.head = nn.Sequential(nn.Conv2d(4 * in_channels, features, 3, padding=1), nn.ReLU(inplace=True))
            self.blocks = nn.Sequential(*[_res_block(features, res_scale) for _ in range(blocks)])
            self.tail = nn.Conv2d(features, 4 * n_classes, 3, padding=1)
            self.to(memory_format=torch.channels_last)

        def forward(self, x):
            # channels-last: oneDNN's convolutions run faster on it and need no layout conversion between layers.
            z = nn.functional.pixel_unshuffle(x, 2).contiguous(memory_format=torch.channels_last)
            residual = nn.functional.pixel_shuffle(self.tail(self.blocks(self.head(z))), 2)
            return x[:, -self.n_out:] + residual.contiguous()

    return DSen2LowRes()
