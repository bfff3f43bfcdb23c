"""Training: patch datasets (patches.py, dataset.py), training and fine-tuning (trainer.py, transfer.py),
self-supervised pre-training (pretrain.py). Torch is imported only inside the functions that train."""
