#!/usr/bin/env python3
"""Speed anchor for `lsrm bench train`: the same training step in PyTorch (issue 12).

The smallest Table IV model as lib/bench/train.ts builds it: a pre-LN transformer of L = 2
blocks, d = 64, 2 heads, GELU feed-forward of 4d, learned positions, dropout 0.1, the output
table tied to the item embedding, full-softmax cross-entropy at every slot (batch 256, length
50, every slot an item and a target), one Adam step. Prints one JSON line per (items, threads):
median wall ms per step after warm-up, median process CPU ms per step (all threads; with one
thread, what an idle core would show as wall time) and the 1-minute load average.

Run it in the same session as `lsrm bench train` (the machine is shared: compare ratios):
    nice -n 10 /usr/bin/python3 scripts/bench-train-torch.py [--items 1682,26744] [--threads 1,2]
PyTorch must run on OpenBLAS (Debian: libopenblas0-pthread); on the reference BLAS it is ten
times slower and no fair anchor (../shared/DESIGN.md).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Pre-LN block: x + drop(attn(LN x)), then x + drop(ffn(LN x)); causal attention."""

    def __init__(self, d, heads, p):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.heads, self.drop = heads, nn.Dropout(p)

    def forward(self, x, mask):  # x [B, T, d]
        B, T, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / (d // self.heads) ** 0.5  # [B, H, T, T]
        att = att.masked_fill(mask, float('-inf')).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.drop(self.out(y))
        return x + self.drop(self.ff2(F.gelu(self.ff1(self.ln2(x)))))


class Lsrm(nn.Module):
    def __init__(self, items, T, d, layers, heads, p):
        super().__init__()
        self.item, self.pos = nn.Embedding(items + 1, d), nn.Embedding(T, d)
        self.blocks = nn.ModuleList(Block(d, heads, p) for _ in range(layers))
        self.ln, self.drop = nn.LayerNorm(d), nn.Dropout(p)
        self.register_buffer('mask', torch.triu(torch.ones(T, T, dtype=torch.bool), 1))

    def loss(self, seqs, targets):  # [B, T] each
        T = seqs.shape[1]
        x = self.drop(self.item(seqs) + self.pos.weight[:T])
        for b in self.blocks:
            x = b(x, self.mask[:T, :T])
        logits = self.ln(x) @ self.item.weight[1:].T  # [B, T, I], tied table without padding
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), (targets - 1).reshape(-1))


def time_step(items, threads, args):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Lsrm(items, args.max_len, args.dim, args.layers, args.heads, 0.1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    seqs = torch.randint(1, items + 1, (args.batch, args.max_len))
    targets = torch.randint(1, items + 1, (args.batch, args.max_len))
    wall, cpu = [], []
    for s in range(args.warmup + args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        model.loss(seqs, targets).backward()
        opt.step()
        if s >= args.warmup:
            wall.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
    return statistics.median(wall), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--items', default='1682,26744')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--max-len', type=int, default=50)
    ap.add_argument('--dim', type=int, default=64)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--heads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=2)
    args = ap.parse_args()
    for items in (int(x) for x in args.items.split(',')):
        for threads in (int(x) for x in args.threads.split(',')):
            ms, cpu_ms = time_step(items, threads, args)
            print(json.dumps({'anchor': f'pytorch {torch.__version__}', 'items': items, 'threads': threads, 'batch': args.batch,
                              'msPerStep': round(ms, 1), 'cpuMsPerStep': round(cpu_ms, 1), 'loadAvg1': os.getloadavg()[0]}), flush=True)


if __name__ == '__main__':
    main()
