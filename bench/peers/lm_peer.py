"""PyTorch peer of bench/lm_bench.ts: training tokens/s of the Llama-style baseline and of full
CEM (tied attention + diag(d_k), tied MLP, P = diag + low-rank, T = 2 with fixed keys) with the
same shapes and the same math as src/lm/layers.ts. Prints one JSON line per model.

usage: python3 bench/peers/lm_peer.py --d 128 --layers 4 --context 128 --batch 16 --steps 5 --threads 1
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F


def rope_tables(t, dh):
    half = dh // 2
    pos = torch.arange(t, dtype=torch.float32)[:, None]
    freq = torch.pow(10000.0, -torch.arange(half, dtype=torch.float32) / half)[None, :]
    ang = pos * freq
    return torch.cos(ang), torch.sin(ang)


def rope(x, cos, sin, inverse=False):
    x1, x2 = x.chunk(2, dim=-1)
    s = -sin if inverse else sin
    return torch.cat([x1 * cos - x2 * s, x1 * s + x2 * cos], dim=-1)


def rms(x, g):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * g


class Block(torch.nn.Module):
    def __init__(self, d, heads, hidden, cem, rank=4, steps=2):
        super().__init__()
        self.d, self.h, self.cem, self.steps = d, heads, cem, steps if cem else 1
        p = lambda *s: torch.nn.Parameter(torch.randn(*s) / math.sqrt(s[0]))
        self.g1, self.g2 = torch.nn.Parameter(torch.ones(d)), torch.nn.Parameter(torch.ones(d))
        self.wq, self.wk = p(d, d), p(d, d)
        self.w_gate, self.w_up = p(d, hidden), p(d, hidden)
        if cem:
            self.diag = torch.nn.Parameter(torch.zeros(heads, d))
            self.p_att, self.p_mlp = torch.nn.Parameter(torch.zeros(d)), torch.nn.Parameter(torch.zeros(d))
            self.u_att, self.u_mlp = p(d, rank), p(d, rank)
        else:
            self.wv, self.wo, self.w_down = p(d, d), p(d, d), p(hidden, d)

    def heads(self, x2, b, t):
        return x2.view(b, t, self.h, -1).transpose(1, 2)

    def precond(self, r, praw, u):
        return r * (F.softplus(praw) + 1e-3) + (r @ u) @ u.T

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        n = rms(x, self.g1)
        beta = 1 / math.sqrt(d // self.h)
        if not self.cem:
            n2 = n.reshape(b * t, d)
            q = rope(self.heads(n2 @ self.wq, b, t), cos, sin)
            k = rope(self.heads(n2 @ self.wk, b, t), cos, sin)
            v = self.heads(n2 @ self.wv, b, t)
            w = torch.softmax((q @ k.transpose(-1, -2)) * beta + mask, -1)
            x = x + ((w @ v).transpose(1, 2).reshape(b * t, d) @ self.wo).view(b, t, d)
            n2 = rms(x, self.g2).reshape(b * t, d)
            return x + ((F.silu(n2 @ self.w_gate) * (n2 @ self.w_up)) @ self.w_down).view(b, t, d)
        k = rope(self.heads(n.reshape(b * t, d) @ self.wk, b, t), cos, sin)
        dd = self.diag.view(1, self.h, 1, d)
        u = n
        for _ in range(self.steps):
            q = rope(self.heads(u.reshape(b * t, d) @ self.wq, b, t), cos, sin)
            ud = (u.unsqueeze(1) * dd).reshape(b, self.h * t, d)
            extra = (ud @ n.transpose(-1, -2)).view(b, self.h, t, t)
            w = torch.softmax((q @ k.transpose(-1, -2) + extra) * beta + mask, -1)
            o = rope(w @ k, cos, sin, inverse=True).transpose(1, 2).reshape(b * t, d)
            wc = ((w.reshape(b, self.h * t, t) @ n).view(b, self.h, t, d) * dd).sum(1)
            r = o @ self.wq.T + wc.reshape(b * t, d)
            u = u + self.precond(r, self.p_att, self.u_att).view(b, t, d)
        x = x + (u - n)
        n = rms(x, self.g2)
        up = n.reshape(b * t, d) @ self.w_up
        u = n
        for _ in range(self.steps):
            a = F.silu(u.reshape(b * t, d) @ self.w_gate) * up
            u = u + self.precond(a @ self.w_gate.T, self.p_mlp, self.u_mlp).view(b, t, d)
        return x + (u - n)


class Model(torch.nn.Module):
    def __init__(self, vocab, d, heads, layers, hidden, context, cem):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.randn(vocab, d) / math.sqrt(d))
        self.blocks = torch.nn.ModuleList([Block(d, heads, hidden, cem) for _ in range(layers)])
        self.gf = torch.nn.Parameter(torch.ones(d))
        cos, sin = rope_tables(context, d // heads)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        self.register_buffer("mask", torch.triu(torch.full((context, context), -1e9), 1))

    def forward(self, tokens):
        x = self.emb[tokens]
        for blk in self.blocks:
            x = blk(x, self.cos, self.sin, self.mask)
        return rms(x, self.gf) @ self.emb.T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--vocab", type=int, default=65)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--models", default="llama,cem")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name in a.models.split(","):
        m = Model(a.vocab, a.d, a.heads, a.layers, 4 * a.d, a.context, name == "cem")
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=0.1)
        data = torch.randint(0, a.vocab, (a.batch, a.context + 1))
        times = []
        for s in range(a.steps + 1):
            t0 = time.perf_counter()
            logits = m(data[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, a.vocab), data[:, 1:].reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            if s > 0:
                times.append(time.perf_counter() - t0)
        ms = 1000 * sum(times) / len(times)
        params = sum(p.numel() for p in m.parameters())
        print(json.dumps({
            "model": name, "threads": a.threads, "ms_per_step": ms, "params": params,
            "tokens_per_s": a.batch * a.context / (ms / 1000), "torch": torch.__version__,
            "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
        }))


if __name__ == "__main__":
    main()
