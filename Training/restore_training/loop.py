"""The training loop both trainers share: Adam with cosine decay, resumable checkpoints,
progress and validation logs, and the export of weights plus a golden pair."""
import os
import random
import time
import numpy as np
import torch
from safetensors.torch import save_file


def train(model, make_batch, validate, loss_fn, *, steps, lr, seed, checkpoint, device, weight_decay=0.0):
    """Runs `steps` optimiser steps (resuming from `checkpoint` when it exists), saving the
    checkpoint and printing `validate()` every 1000 steps and at the end. With `weight_decay`
    the optimiser is AdamW (decoupled decay)."""
    random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay) if weight_decay > 0 else torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=lr / 50)
    os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
    step = 0
    if os.path.exists(checkpoint):
        st = torch.load(checkpoint, map_location=device)
        model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"]); sched.load_state_dict(st["sched"]); step = st["step"]
        print(f"resumed at step {step}", flush=True)
    rng = random.Random(seed * 1000 + step)
    t0 = time.time()
    model.train()
    while step < steps:
        x, y = make_batch(rng)
        loss = loss_fn(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
        if step % 100 == 0:
            print(f"step {step}/{steps} loss {loss.item():.6f} {time.time() - t0:.0f}s", flush=True)
        if step % 1000 == 0 or step == steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, checkpoint)
            model.eval()
            with torch.no_grad():
                print("validation:", validate(), flush=True)
            model.train()


def export(model, folder, golden_input, half=False):
    """Writes folder/weights.safetensors (float16 with `half`: the model's weights are rounded
    first, so the golden output is what the stored weights compute) and the golden pair
    folder/golden.{in,out}.f32 (CHW float32 little-endian) that restore's tests reproduce."""
    os.makedirs(folder, exist_ok=True)
    model = model.cpu().eval()
    if half:
        model = model.half().float()
    dtype = torch.float16 if half else torch.float32
    save_file({k: v.to(dtype).contiguous() for k, v in model.state_dict().items()}, os.path.join(folder, "weights.safetensors"))
    with torch.no_grad():
        y = model(golden_input)
    golden_input[0].numpy().astype("<f4").tofile(os.path.join(folder, "golden.in.f32"))
    y[0].numpy().astype("<f4").tofile(os.path.join(folder, "golden.out.f32"))
    print(f"exported {folder}: {sum(p.numel() for p in model.parameters())} parameters", flush=True)
