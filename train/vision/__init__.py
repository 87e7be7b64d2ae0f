"""Image classification for the camera track (extra ``vision``): backbones, fine-tuning, the run loop."""
