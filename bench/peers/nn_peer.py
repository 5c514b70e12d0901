"""PyTorch peer of bench/nn_bench.ts: the same causal Transformer training step.

Pre-RMSNorm GPT, learned positions, 4-head causal attention, SwiGLU MLP (hidden 512), untied
head, d = 128, 4 layers, context 128, batch 16, vocabulary 65 (1,082,752 parameters), Adam,
random tokens. Prints one JSON line per measurement: the BLAS check (GFLOP/s of a
2048x128x512 product) and tokens/s of a training step at each thread count.

    /usr/bin/python3 bench/peers/nn_peer.py --threads 1,2 --steps 4
"""
import argparse
import json
import math
import time

import torch

V, D, L, H, T, B, F = 65, 128, 4, 4, 128, 16, 512


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = torch.nn.Parameter(torch.ones(D))
        self.qkv = torch.nn.Linear(D, 3 * D, bias=False)
        self.out = torch.nn.Linear(D, D, bias=False)
        self.norm2 = torch.nn.Parameter(torch.ones(D))
        self.gate = torch.nn.Linear(D, F, bias=False)
        self.up = torch.nn.Linear(D, F, bias=False)
        self.down = torch.nn.Linear(F, D, bias=False)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(rms(x, self.norm1)).split(D, dim=-1)
        heads = lambda m: m.view(b, t, H, D // H).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // H) + mask
        att = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, D)
        x = x + self.out(att)
        h = rms(x, self.norm2)
        return x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))


def rms(x, g):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * g


class Gpt(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = torch.nn.Embedding(V, D)
        self.pos = torch.nn.Parameter(torch.randn(T, D) * 0.02)
        self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        self.normf = torch.nn.Parameter(torch.ones(D))
        self.head = torch.nn.Linear(D, V, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((T, T), -1e9), diagonal=1))

    def forward(self, tokens, targets):
        x = self.tok(tokens) + self.pos
        for blk in self.blocks:
            x = blk(x, self.mask)
        logits = self.head(rms(x, self.normf))
        return torch.nn.functional.cross_entropy(logits.view(-1, V), targets.view(-1))


def blas_gflops():
    a, b = torch.randn(2048, 128), torch.randn(128, 512)
    a @ b
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.5:
        a @ b
        n += 1
    return 2 * 2048 * 128 * 512 * n / (time.perf_counter() - t0) / 1e9


def train(threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Gpt()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    tokens = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B, T))
    times = []
    for i in range(steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = model(tokens, targets)
        loss.backward()
        opt.step()
        if i > 0:  # the first step warms up
            times.append(time.perf_counter() - t0)
    ms = 1000 * sum(times) / len(times)
    return {
        "threads": threads,
        "params": sum(p.numel() for p in model.parameters()),
        "ms_per_step": round(ms, 1),
        "tokens_per_s": round(B * T / ms * 1000),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--steps", type=int, default=4)
    args = ap.parse_args()
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        print(json.dumps({"kind": "blas", "threads": threads, "gflops": round(blas_gflops(), 1),
                          "torch": torch.__version__}), flush=True)
        print(json.dumps({"kind": "train", **train(threads, args.steps)}), flush=True)


if __name__ == "__main__":
    main()
