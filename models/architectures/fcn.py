"""A small fully convolutional network with a bounded receptive field (a CPU-friendly baseline)."""
from __future__ import annotations

from . import register


@register("fcn")
def fcn(in_channels: int, n_classes: int, width: int = 32, depth: int = 4):
    """`depth` 3x3 convolutions (receptive radius = depth pixels) and a 1x1 classifier."""
    from torch import nn

    layers, channels = [], in_channels
    for _ in range(depth):
        layers += [nn.Conv2d(channels, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
        channels = width
    layers.append(nn.Conv2d(channels, n_classes, 1))
    return nn.Sequential(*layers)
