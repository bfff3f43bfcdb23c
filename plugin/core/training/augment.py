"""Augmentations of training batches (on the device, after normalisation): flips, 90° rotations, brightness and
contrast changes, a little noise. Geometric ones move the labels with the image."""
from __future__ import annotations


def augment_batch(x, y, generator, brightness: float = 0.1, noise: float = 0.02):
    """x (N, C, H, W) normalised images, y (N, H, W) labels -> augmented copies (H == W for rotations)."""
    import torch
    n = x.shape[0]
    dev = x.device
    flips = torch.rand(n, 2, generator=generator) < 0.5
    turns = torch.randint(0, 4, (n,), generator=generator)
    xs, ys = [], []
    for i in range(n):
        xi, yi = x[i], y[i]
        if flips[i, 0]:
            xi, yi = xi.flip(-1), yi.flip(-1)
        if flips[i, 1]:
            xi, yi = xi.flip(-2), yi.flip(-2)
        if turns[i] and xi.shape[-1] == xi.shape[-2]:
            xi, yi = torch.rot90(xi, int(turns[i]), (-2, -1)), torch.rot90(yi, int(turns[i]), (-2, -1))
        xs.append(xi)
        ys.append(yi)
    x, y = torch.stack(xs), torch.stack(ys)
    if brightness:
        # In normalised units a gain g and a shift s on the raw values are a gain and a shift here too.
        gain = 1.0 + (torch.rand(n, 1, 1, 1, generator=generator) * 2 - 1) * brightness
        shift = (torch.rand(n, 1, 1, 1, generator=generator) * 2 - 1) * brightness
        x = x * gain.to(dev) + shift.to(dev)
    if noise:
        x = x + torch.randn(x.shape, generator=generator).to(dev) * noise
    return x.contiguous(), y.contiguous()
