"""Independent NumPy reference for tests/diagnostics/numpy_reference_test.ts.

Reads {"cases": [[[...], ...], ...]} (a list of [chains x draws] arrays) as JSON on stdin and
prints a JSON list, one object per case, with the diagnostics written
directly from their formulas (TFP's effective_sample_size defaults; Vehtari et al. 2021 as in
ArviZ), vectorised and structured differently from the TypeScript so that the two can catch
each other's mistakes. Rank-based values need SciPy; without it they are omitted.
"""
import json
import sys

import numpy as np

try:
    from scipy.special import ndtri
    from scipy.stats import rankdata
except ImportError:  # pragma: no cover
    ndtri = None


def acov_biased(x):
    """Biased autocovariance of each row by an O(n^2) direct sum (no FFT)."""
    x = np.atleast_2d(x)
    n = x.shape[1]
    d = x - x.mean(axis=1, keepdims=True)
    return np.stack([np.array([np.dot(r[: n - k], r[k:]) for k in range(n)]) / n for r in d])


def ess_tfp(x):
    n = len(x)
    s = acov_biased(x)[0] * n  # lagged sums S_k
    if s[0] <= 0:
        return 1.0
    rho = s / (n - np.arange(n)) / (s[0] / n)  # TFP auto_corr (unbiased normalisation)
    neg = np.nonzero(rho < 0)[0]
    m = neg[0] if len(neg) else n
    return n / (-1 + 2 * np.sum(s[:m] / s[0]))


def ess_geyer(chains):
    chains = np.atleast_2d(np.asarray(chains, dtype=float))
    m, n = chains.shape
    if chains.max() - chains.min() < 1e-15:
        return float(m * n)
    acov = acov_biased(chains).mean(axis=0)
    w = acov[0] * n / (n - 1)
    var_plus = acov[0] + (np.var(chains.mean(axis=1), ddof=1) if m > 1 else 0.0)
    rho = 1 - (w - acov) / var_plus
    # Initial positive sequence over pairs (rho_{2j}, rho_{2j+1}), stopping at the first
    # negative pair sum; the even member of that pair is kept if positive.
    kept = [1.0, rho[1]]  # rho_0 is 1 by definition (the formula gives 1 - W/(n var+))
    t = 1
    last_even = 1.0
    last_pair = 1.0 + rho[1]
    while t < n - 3 and last_pair > 0:
        e, o = rho[t + 1], rho[t + 2]
        last_even, last_pair = e, e + o
        if last_pair >= 0:
            kept += [e, o]
        t += 2
    kept = np.array(kept)
    max_t = t - 2
    extra = last_even if last_even > 0 else (kept[max_t + 1] if max_t + 1 < len(kept) else 0.0)
    body = kept[: max_t + 1].copy()
    # Initial monotone sequence on the pairs of the body.
    pairs = body[: 2 * ((max_t + 1) // 2)].reshape(-1, 2)
    for j in range(1, len(pairs)):
        prev = pairs[j - 1].sum()
        if pairs[j].sum() > prev:
            pairs[j] = prev / 2
    body[: 2 * len(pairs)] = pairs.ravel()
    tau = -1 + 2 * body.sum() + extra
    tau = max(tau, 1 / np.log10(m * n))
    return float(m * n / tau)


def split(chains):
    chains = np.atleast_2d(chains)
    half = chains.shape[1] // 2
    return np.vstack([chains[:, :half], chains[:, chains.shape[1] - half :]])


def rhat_plain(chains):
    m, n = chains.shape
    b = n * np.var(chains.mean(axis=1), ddof=1)
    w = np.mean(np.var(chains, axis=1, ddof=1))
    return float(np.sqrt((b / w + n - 1) / n))


def z_scale(chains):
    r = rankdata(chains, method="average").reshape(chains.shape)
    return ndtri((r - 0.375) / (chains.size + 0.25))


def one_case(chains):
    chains = np.asarray(chains, dtype=float)
    out = {
        "essTfp": [ess_tfp(c) for c in chains],
        "essGeyer": ess_geyer(chains),
        "essMean": ess_geyer(split(chains)),
        "rhatSplit": rhat_plain(split(chains)),
        "acov0": acov_biased(chains[0])[0][:20].tolist(),
    }
    if ndtri is not None:
        folded = np.abs(chains - np.median(chains))
        out["essBulk"] = ess_geyer(z_scale(split(chains)))
        out["rhatBulk"] = rhat_plain(z_scale(split(chains)))
        out["rhatFolded"] = rhat_plain(z_scale(split(folded)))
        tails = []
        for p in (0.05, 0.95):
            q = np.quantile(chains, p)
            tails.append(ess_geyer(split((chains <= q).astype(float))))
        out["essTail"] = min(tails)
    return out


def main():
    json.dump([one_case(c) for c in json.load(sys.stdin)["cases"]], sys.stdout)


if __name__ == "__main__":
    main()
