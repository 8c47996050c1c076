"""PyTorch code behind restore's own models: architectures, exporters, goldens."""
