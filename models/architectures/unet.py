"""U-Nets for semantic segmentation: a light one for CPUs and one with a torchvision ResNet encoder.

Both name their parts `encoder`, `decoder` and `head`, so that transfer learning can freeze the encoder and replace
the head (plugin/core/training/transfer.py), and both take any number of input bands: the ResNet's first
convolution is rebuilt for `in_channels` (weights for new bands are set by transfer.adapt_first_conv).
"""
from __future__ import annotations

from . import register


def _blocks():
    """Torch building blocks, defined lazily so that importing this module never imports torch: returns the
    classes (LightEncoder, ResNetEncoder, UNet) the registered constructors assemble."""
    conv_block, up = _layers()
    light_encoder, resnet_encoder = _encoders(conv_block)
    return light_encoder, resnet_encoder, _unet(up)


def _layers():
    """(conv_block, Up): the two-convolution block and the decoder's upsampling step, shared by encoders and
    decoder."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    def conv_block(cin: int, cout: int) -> nn.Sequential:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                             nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    class Up(nn.Module):
        """Bilinear upsampling to the skip connection's size, concatenation, two convolutions."""

        def __init__(self, cin: int, cskip: int, cout: int) -> None:
            super().__init__()
            self.conv = conv_block(cin + cskip, cout)

        def forward(self, x, skip):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            return self.conv(torch.cat([x, skip], dim=1))

    return conv_block, Up


def _encoders(conv_block):
    """(LightEncoder, ResNetEncoder): the two encoders; each lists its feature maps' channel counts in `widths`
    (input first) so that one decoder fits both."""
    from torch import nn
    from torch.nn import functional as F

    class LightEncoder(nn.Module):
        def __init__(self, in_channels: int, widths: list[int]) -> None:
            super().__init__()
            self.stem = conv_block(in_channels, widths[0])
            self.downs = nn.ModuleList(conv_block(a, b) for a, b in zip(widths[:-1], widths[1:]))
            self.widths = widths

        def forward(self, x):
            feats = [self.stem(x)]
            for down in self.downs:
                feats.append(down(F.max_pool2d(feats[-1], 2)))
            return feats

    class ResNetEncoder(nn.Module):
        def __init__(self, in_channels: int, depth: int) -> None:
            super().__init__()
            import torchvision
            net = getattr(torchvision.models, f"resnet{depth}")(weights=None)
            net.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
            self.conv1, self.bn1, self.relu, self.maxpool = net.conv1, net.bn1, net.relu, net.maxpool
            self.layer1, self.layer2, self.layer3, self.layer4 = net.layer1, net.layer2, net.layer3, net.layer4
            expansion = 4 if depth >= 50 else 1
            self.widths = [in_channels, 64, 64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion]

        def forward(self, x):
            f0 = x
            f1 = self.relu(self.bn1(self.conv1(x)))  # 1/2
            f2 = self.layer1(self.maxpool(f1))  # 1/4
            f3 = self.layer2(f2)  # 1/8
            f4 = self.layer3(f3)  # 1/16
            f5 = self.layer4(f4)  # 1/32
            return [f0, f1, f2, f3, f4, f5]

    return LightEncoder, ResNetEncoder


def _unet(up):
    """UNet: any encoder above, a decoder of `up` steps back through its skip connections, a 1x1 head; the parts
    are named encoder, decoder and head for transfer learning."""
    from torch import nn

    class Decoder(nn.Module):
        def __init__(self, enc_widths: list[int], dec_widths: list[int]) -> None:
            super().__init__()
            ups, cin = [], enc_widths[-1]
            for skip, cout in zip(reversed(enc_widths[:-1]), dec_widths):
                ups.append(up(cin, skip, cout))
                cin = cout
            self.ups = nn.ModuleList(ups)
            self.out_channels = cin

        def forward(self, feats):
            x = feats[-1]
            for step, skip in zip(self.ups, reversed(feats[:-1])):
                x = step(x, skip)
            return x

    class UNet(nn.Module):
        def __init__(self, encoder: nn.Module, dec_widths: list[int], n_classes: int) -> None:
            super().__init__()
            self.encoder = encoder
            self.decoder = Decoder(encoder.widths, dec_widths)
            self.head = nn.Conv2d(self.decoder.out_channels, n_classes, 1)

        def forward(self, x):
            return self.head(self.decoder(self.encoder(x)))

    return UNet


@register("unet_light")
def unet_light(in_channels: int, n_classes: int, width: int = 16, depth: int = 3):
    """A U-Net with `depth` poolings and `width`·2^i channels (about 0.1-2 M parameters): trains and runs on CPUs."""
    light_encoder, _, unet = _blocks()
    widths = [width * 2 ** i for i in range(depth + 1)]
    return unet(light_encoder(in_channels, widths), list(reversed(widths[:-1])), n_classes)


@register("unet_resnet")
def unet_resnet(in_channels: int, n_classes: int, depth: int = 18, decoder_width: int = 32):
    """A U-Net with a torchvision ResNet-`depth` encoder (18, 34, 50), any band count; five 2x poolings."""
    _, resnet_encoder, unet = _blocks()
    encoder = resnet_encoder(in_channels, depth)
    dec = [decoder_width * 2 ** i for i in (3, 2, 1, 0, 0)]
    return unet(encoder, dec, n_classes)


def size_multiple(spec: dict) -> int:
    """The factor tile sizes must be a multiple of (2 ** number of poolings)."""
    if spec.get("name") == "unet_resnet":
        return 32
    return 2 ** int(spec.get("params", {}).get("depth", 3))


def receptive_radius(spec: dict) -> int:
    """Pixels of context on each side that influence an output pixel: 7 * 2^depth - 2 for the light U-Net (measured
    from input gradients: 12, 26, 54, 110 pixels for depth 1-4, an upper bound); ResNet-18/34 see about 200."""
    if spec.get("name") == "unet_resnet":
        return 200
    depth = int(spec.get("params", {}).get("depth", 3))
    return 7 * 2 ** depth - 2
