"""PyTorch peer of the NERE benchmark (bench/nere_bench.ts): the same energy network (RBF
message passing, smooth-cutoff pair energy), the same NERE loss with second-order autograd
through the forces, on random complexes of the same sizes. Timing only; prints one JSON line.

With --batched the batch runs as one [B, L, P] tensor program (as the tfjs side's padded
batches) instead of a Python loop over complexes.

Usage: /usr/bin/python3 bench/peers/nere_peer.py --ligand 8 --pocket 36 --batch 4 --steps 30 [--batched]
"""
import argparse
import json
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--ligand", type=int, default=8)
p.add_argument("--pocket", type=int, default=36)
p.add_argument("--ldim", type=int, default=3)
p.add_argument("--pdim", type=int, default=3)
p.add_argument("--hidden", type=int, default=32)
p.add_argument("--rbf", type=int, default=16)
p.add_argument("--cutoff", type=float, default=8.0)
p.add_argument("--batch", type=int, default=4)
p.add_argument("--steps", type=int, default=30)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batched", action="store_true")
p.add_argument("--score-steps", type=int, default=0, help="scoring passes timed (default: --steps)")
p.add_argument("--score-warmup", type=int, default=3, help="scoring passes before timing")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
H, K = a.hidden, a.rbf


def param(*shape, zero=False):
    t = torch.zeros(*shape) if zero else torch.randn(*shape) / (shape[0] ** 0.5)
    return torch.nn.Parameter(t)


P = {
    "wl": param(a.ldim, H), "bl": param(H, zero=True), "wp": param(a.pdim, H), "bp": param(H, zero=True),
    "wr": param(K, H), "wml": param(H, H), "wmp": param(H, H), "ul": param(H, H), "up": param(H, H),
    "we": param(K, H), "be": param(H, zero=True), "wo": param(H, 1),
}
mu = torch.linspace(0, a.cutoff, K).reshape(1, K)
gamma = 1 / (2 * (a.cutoff / (K - 1)) ** 2)
silu = torch.nn.functional.silu


def energy(lig, lf, poc, pf):
    nL, nP = lig.shape[0], poc.shape[0]
    hL = silu(lf @ P["wl"] + P["bl"])
    hP = silu(pf @ P["wp"] + P["bp"])
    d = torch.sqrt(((lig[:, None, :] - poc[None, :, :]) ** 2).sum(2) + 1e-6)
    rbf = torch.exp(-gamma * (d.reshape(-1, 1) - mu) ** 2)
    cut = (torch.relu(1 - (d / a.cutoff) ** 2) ** 2).reshape(nL, nP, 1)
    filt = (rbf @ P["wr"]).reshape(nL, nP, H) * cut
    mL = (filt * hP[None]).sum(1)
    mP = (filt * hL[:, None]).sum(0)
    hL2 = hL + silu((mL / 8) @ P["wml"])
    hP2 = hP + silu((mP / 8) @ P["wmp"])
    z = silu((hL2 @ P["ul"])[:, None] + (hP2 @ P["up"])[None] + (rbf @ P["we"] + P["be"]).reshape(nL, nP, H))
    return ((z * cut).reshape(-1, H) @ P["wo"]).sum() / 4


def energy_batch(lig, lf, poc, pf):
    """Energies [B] of lig [B, L, 3] against poc [B, P, 3]; lf [B, L, F], pf [B, P, F]."""
    B, nL, nP = lig.shape[0], lig.shape[1], poc.shape[1]
    hL = silu(lf @ P["wl"] + P["bl"])
    hP = silu(pf @ P["wp"] + P["bp"])
    d = torch.sqrt(((lig[:, :, None, :] - poc[:, None, :, :]) ** 2).sum(3) + 1e-6)
    rbf = torch.exp(-gamma * (d.reshape(-1, 1) - mu) ** 2)
    cut = (torch.relu(1 - (d / a.cutoff) ** 2) ** 2).reshape(B, nL, nP, 1)
    filt = (rbf @ P["wr"]).reshape(B, nL, nP, H) * cut
    mL = (filt * hP[:, None]).sum(2)
    mP = (filt * hL[:, :, None]).sum(1)
    hL2 = hL + silu((mL / 8) @ P["wml"])
    hP2 = hP + silu((mP / 8) @ P["wmp"])
    z = silu((hL2 @ P["ul"])[:, :, None] + (hP2 @ P["up"])[:, None] + (rbf @ P["we"] + P["be"]).reshape(B, nL, nP, H))
    return ((z * cut).reshape(B, -1, H) @ P["wo"]).sum((1, 2)) / 4


def nere_loss_batch(x, lf, poc, pf, rot_t, tr_t, eps):
    x = x.clone().requires_grad_(True)
    e = energy_batch(x, lf, poc, pf).sum()
    f = -torch.autograd.grad(e, x, create_graph=True)[0]
    r = (x - x.mean(1, keepdim=True)).detach()
    tau = torch.cross(r, f, dim=2).sum(1)
    inertia = (r * r).sum((1, 2))[:, None, None] * torch.eye(3) - r.transpose(1, 2) @ r
    omega = torch.linalg.solve(inertia, tau)
    t_pred = f.mean(1)
    return (((omega - rot_t) ** 2).sum() + ((eps * t_pred - tr_t) ** 2).sum()) / x.shape[0]


def nere_loss(x, lf, poc, pf, rot_t, tr_t, eps):
    x = x.clone().requires_grad_(True)
    e = energy(x, lf, poc, pf)
    f = -torch.autograd.grad(e, x, create_graph=True)[0]
    r = (x - x.mean(0)).detach()
    tau = torch.cross(r, f, dim=1).sum(0)
    inertia = (r * r).sum() * torch.eye(3) - r.T @ r
    omega = torch.linalg.solve(inertia, tau)
    t_pred = f.mean(0)
    return ((omega - rot_t) ** 2).sum() + ((eps * t_pred - tr_t) ** 2).sum()


def complex_():
    lig = torch.randn(a.ligand, 3) * 1.2
    u = torch.nn.functional.normalize(torch.randn(a.pocket, 3), dim=1)
    poc = u * (3.5 + 2.5 * torch.rand(a.pocket, 1))
    lf = torch.nn.functional.one_hot(torch.randint(0, a.ldim, (a.ligand,)), a.ldim).float()
    pf = torch.nn.functional.one_hot(torch.randint(0, a.pdim, (a.pocket,)), a.pdim).float()
    return lig, lf, poc, pf


data = [complex_() for _ in range(a.batch)]
stacked = [torch.stack([c[k] for c in data]) for k in range(4)]
opt = torch.optim.Adam(P.values(), lr=1e-3)


def train_step():
    opt.zero_grad()
    if a.batched:
        l, lf, p_, pf = stacked
        loss = nere_loss_batch(l, lf, p_, pf, torch.randn(a.batch, 3), torch.randn(a.batch, 3), 0.5)
    else:
        loss = sum(nere_loss(l, lf, p_, pf, torch.randn(3), torch.randn(3), 0.5) for l, lf, p_, pf in data) / a.batch
    loss.backward()
    torch.nn.utils.clip_grad_norm_(P.values(), 1.0)
    opt.step()


def score():
    if a.batched:
        l, lf, p_, pf = stacked
        x = l.clone().requires_grad_(True)
        e = energy_batch(x, lf, p_, pf)
        torch.autograd.grad(e.sum(), x)
        return
    for l, lf, p_, pf in data:
        x = l.clone().requires_grad_(True)
        e = energy(x, lf, p_, pf)
        torch.autograd.grad(e, x)


for _ in range(3):
    train_step()
    score()
t0 = time.perf_counter()
for _ in range(a.steps):
    train_step()
train_s = time.perf_counter() - t0
for _ in range(a.score_warmup):
    score()
score_steps = a.score_steps or a.steps
t0 = time.perf_counter()
for _ in range(score_steps):
    score()
score_s = time.perf_counter() - t0
n = a.steps * a.batch
print(json.dumps({
    "peer": f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {'batched' if a.batched else 'per complex'}",
    "train_complexes_per_s": n / train_s,
    "score_complexes_per_s": score_steps * a.batch / score_s,
}))
