"""Labelling tools: where to label next (active learning), and the shared pieces the label review and the search by
example build on.

- `grid.py`: the candidate patches, a grid of PATCH_SIZE cells on the raster's pixel grid, and their map polygons;
- `features.py`: per-patch aggregation of per-pixel planes (scores, class probabilities) on the fly, strip by
  strip, so no probability cube is ever held;
- `areas.py`: vector layers (existing labels, search masks) burnt on the pixel grid strip by strip;
- `uncertainty.py`: per-pixel uncertainty (entropy, margin, flip test-time-augmentation disagreement);
- `diversity.py`: spreading the picks (k-centre greedy in feature space, minimum spatial distance);
- `output.py`: the suggestion squares as a vector layer;
- `suggest.py`: deepmapper:suggestsamples's engine.

Layer 4 of docs/architecture.md: it may import the engine, models, classify, accuracy and training; never qgis.
"""
