"""Training: patch datasets (patches.py, dataset.py, labels.py), training and fine-tuning (trainer.py,
transfer.py, augment.py), self-supervised pre-training (pretrain.py) and writing a model card with its weights
(export.py). May import the engine, models and the accuracy metrics; the labelling tools build on it. Torch is
imported only inside the functions that train."""
