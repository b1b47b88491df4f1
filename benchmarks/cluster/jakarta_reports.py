"""Synthetic citizen reports in a 30 km x 30 km box around Jakarta, clustered like real ones.

Real report streams are a background of isolated reports plus hot spots (a flooded underpass, a
market's rubbish pile) that draw many reports within tens of metres. We draw 80 % of the points
from 10,000 Gaussian blobs whose sizes follow a Zipf-like law (weight 1/rank^0.5) and whose
spreads are 20-300 m (log-uniform), and 20 % uniformly over the box. Fixed seed: the same arrays every run.
"""
import numpy as np

CENTRE_LAT, CENTRE_LON = -6.2, 106.85
HALF_SIDE_M = 15_000.0
M_PER_DEG_LAT = 6371008.8 * np.pi / 180.0


def generate(n, seed=20261128, blobs=10000, blob_fraction=0.8):
    rng = np.random.default_rng(seed)
    m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(CENTRE_LAT))
    n_blob = int(n * blob_fraction)
    weights = 1.0 / np.arange(1, blobs + 1) ** 0.5
    weights /= weights.sum()
    which = rng.choice(blobs, size=n_blob, p=weights)
    centre_x = rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, blobs)
    centre_y = rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, blobs)
    sigma = np.exp(rng.uniform(np.log(20.0), np.log(300.0), blobs))
    x = np.concatenate([centre_x[which] + rng.normal(0, 1, n_blob) * sigma[which],
                        rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, n - n_blob)])
    y = np.concatenate([centre_y[which] + rng.normal(0, 1, n_blob) * sigma[which],
                        rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, n - n_blob)])
    order = rng.permutation(n)  # reports arrive interleaved, not blob by blob
    lat = CENTRE_LAT + np.clip(y[order], -HALF_SIDE_M, HALF_SIDE_M) / M_PER_DEG_LAT
    lon = CENTRE_LON + np.clip(x[order], -HALF_SIDE_M, HALF_SIDE_M) / m_per_deg_lon
    return np.ascontiguousarray(lat), np.ascontiguousarray(lon)
