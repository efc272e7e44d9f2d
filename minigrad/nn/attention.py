"""Attention, as ``torch.nn.functional.scaled_dot_product_attention`` and ``torch.nn.MultiheadAttention``.

Both are built from Tensor ops (products, ``masked_fill``, ``softmax``), so their gradients are those
ops' rules chained by the core; what this file adds is the bookkeeping of shapes and masks:

    weights = softmax(q @ k^T * scale + mask)    (each query's weights over the keys sum to 1)
    output  = weights @ v

A query that the mask lets attend to no key at all gets weights of zero and an output of zero, as in
PyTorch, rather than the NaN that a softmax over nothing but -inf would give.
"""

import math
import numbers

import numpy as np

from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.layers import Linear
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor, float32


def _check_operands(op, query, key, value):
    for name, x in (("query", query), ("key", key), ("value", value)):
        if not isinstance(x, Tensor):
            raise TypeError(f"{op}: expected a Tensor {name}, got {type(x).__name__}")
        if x.ndim < 2:
            raise ValueError(f"{op}: {name} must have at least 2 dimensions (..., length, features), got shape {x.shape}")
        if x.dtype.kind != "f" or x.dtype != query.dtype:
            raise TypeError(f"{op}: query, key and value must have one floating-point dtype, got "
                            f"{query.dtype}, {key.dtype} and {value.dtype}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"{op}: query {query.shape} and key {key.shape} must have the same last dimension, and key and "
            f"value {value.shape} the same length (dimension -2)"
        )


def _attend(op, scores, blocked, value, dropout_p):
    """Softmax over the keys of ``scores`` with the ``blocked`` positions (a boolean array, or None)
    left out, then the weighted sum of ``value``; returns (output, weights)."""
    if blocked is not None:
        try:
            blocked = np.broadcast_to(blocked, scores.shape)
        except ValueError:
            raise ValueError(f"{op}: the mask of shape {blocked.shape} does not broadcast to the attention "
                             f"scores' shape {scores.shape} (..., queries, keys)") from None
        scores = scores.masked_fill(blocked, -math.inf)
    # Queries with no key left: their scores become 0 for a finite softmax, and their weights 0.
    shut_out = np.isneginf(scores.data).all(axis=-1, keepdims=True)
    if shut_out.any():
        scores = scores.masked_fill(shut_out, 0.0)
    weights = scores.softmax(-1)
    if shut_out.any():
        weights = weights.masked_fill(shut_out, 0.0)
    if dropout_p > 0:
        weights = F.dropout(weights, dropout_p, training=True)
    return weights @ value, weights


def _mask_parts(op, mask, dtype, blocks_where):
    """A mask as (blocked positions or None, additive float Tensor or None). ``blocks_where`` is the
    boolean value that means "may not attend": False for scaled_dot_product_attention, True for
    MultiheadAttention, as in PyTorch."""
    if mask is None:
        return None, None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: expected the mask as a Tensor (bool, or float to add), got {type(mask).__name__}")
    if mask.dtype == bool:
        return (mask.data if blocks_where else ~mask.data), None
    if mask.dtype.kind != "f":
        raise TypeError(f"{op}: a mask must be bool or floating point, got {mask.dtype}")
    return None, mask.to(dtype)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """Attention of each query over the keys: ``softmax(query @ key^T * scale + mask) @ value``.

    Shapes (..., L, E), (..., S, E), (..., S, Ev), leading axes broadcast; the output is (..., L, Ev).
    ``scale`` defaults to 1/sqrt(E). ``attn_mask`` is boolean (True: may attend) or a float added to
    the scores. ``is_causal`` lets query i attend to keys 0..i only. ``dropout_p`` drops attention
    weights (always: pass 0 in evaluation). ``enable_gqa`` lets key and value have fewer heads (axis
    -3) than query, each shared by a group of query heads.
    """
    op = "scaled_dot_product_attention"
    _check_operands(op, query, key, value)
    if is_causal and attn_mask is not None:
        raise RuntimeError(f"{op}: explicit attn_mask should not be set when is_causal=True")
    if not isinstance(dropout_p, numbers.Real) or not 0 <= dropout_p <= 1:
        raise ValueError(f"{op}: dropout_p must be a probability between 0 and 1, got {dropout_p!r}")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if kv_heads == 0 or heads % kv_heads or value.shape[-3] != kv_heads:
            raise ValueError(f"{op}: with enable_gqa, query's {heads} heads must be a multiple of key's and value's "
                             f"(shapes {query.shape}, {key.shape}, {value.shape})")
        key = key.repeat_interleave(heads // kv_heads, dim=-3)
        value = value.repeat_interleave(heads // kv_heads, dim=-3)
    length, keys = query.shape[-2], key.shape[-2]
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    try:
        scores = (query @ key.transpose(-2, -1)) * scale
    except ValueError as error:
        raise ValueError(f"{op}: query {query.shape} and key {key.shape} do not broadcast: {error}") from None
    blocked, added = _mask_parts(op, attn_mask, query.dtype, blocks_where=False)
    if is_causal:
        blocked = ~np.tril(np.ones((length, keys), dtype=bool))
    if added is not None:
        scores = scores + added
    return _attend(op, scores, blocked, value, dropout_p)[0]


class MultiheadAttention(Module):
    """Multi-head attention with PyTorch's parameters (``in_proj_weight``, ``in_proj_bias``,
    ``out_proj``), arguments and return value ``(output, weights)``.

    Inputs are (L, N, E), or (N, L, E) with ``batch_first=True``, or unbatched (L, E). In
    ``attn_mask`` (L, S) or (N * heads, L, S) and ``key_padding_mask`` (N, S), **True means "may not
    attend"** (the opposite of scaled_dot_product_attention's boolean mask), as in PyTorch; float
    masks are added to the scores. ``is_causal`` is only a hint that ``attn_mask`` is the causal mask,
    which must still be given. The weights returned are averaged over the heads unless
    ``average_attn_weights=False``.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, dtype=float32, generator=None):
        super().__init__()
        op = "MultiheadAttention"
        if add_bias_kv or add_zero_attn or kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError(f"{op}: add_bias_kv, add_zero_attn and kdim/vdim other than embed_dim are not "
                                      "supported in minigrad")
        if num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"{op}: embed_dim {embed_dim} must be divisible by num_heads {num_heads}")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.kdim = self.vdim = embed_dim
        self._qkv_same_embed_dim = True
        self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype))
        init.xavier_uniform_(self.in_proj_weight, generator=generator)
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim, dtype)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype, generator=generator)
        if bias:
            init.zeros_(self.out_proj.bias)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        op = "MultiheadAttention"
        _check_operands(op, query, key, value)
        if is_causal and attn_mask is None:
            raise RuntimeError(f"{op}: is_causal is a hint that attn_mask is the causal mask: pass attn_mask too "
                               "(for example minigrad.triu(minigrad.ones(L, L), diagonal=1).bool(), True above the diagonal)")
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        if query.ndim != 3 or query.shape[-1] != self.embed_dim:
            raise ValueError(f"{op}: expected query of shape (L, N, {self.embed_dim}) (or (N, L, {self.embed_dim}) "
                             f"with batch_first, or (L, {self.embed_dim})), got {query.shape}")
        length, batch, embed = query.shape
        keys, heads, head_dim = key.shape[0], self.num_heads, self.head_dim
        w, b = self.in_proj_weight, self.in_proj_bias

        def heads_of(x, part):
            """Projected, as (N, heads, length, head_dim)."""
            rows = slice(part * embed, (part + 1) * embed)
            projected = F.linear(x, w[rows], None if b is None else b[rows])
            return projected.reshape(x.shape[0], batch, heads, head_dim).permute(1, 2, 0, 3)

        q, k, v = heads_of(query, 0), heads_of(key, 1), heads_of(value, 2)
        scores = (q @ k.transpose(-2, -1)) * (1 / math.sqrt(head_dim))
        blocked = None
        for mask, name, shapes in ((attn_mask, "attn_mask", ((length, keys), (batch * heads, length, keys))),
                                   (key_padding_mask, "key_padding_mask", ((batch, keys),))):
            mask_blocked, added = _mask_parts(op, mask, query.dtype, blocks_where=True)
            if mask is None:
                continue
            if mask.shape not in shapes:
                raise ValueError(f"{op}: {name} must have shape " + " or ".join(map(str, shapes)) + f", got {mask.shape}")
            as_scores = ((lambda a: a.reshape(batch, heads, length, keys)) if len(mask.shape) == 3 else
                         (lambda a: a.reshape(batch, 1, 1, keys)) if name == "key_padding_mask" else (lambda a: a))
            if mask_blocked is not None:
                mask_blocked = as_scores(mask_blocked)
                blocked = mask_blocked if blocked is None else blocked | mask_blocked
            else:
                scores = scores + as_scores(added)
        output, weights = _attend(op, scores, blocked, v, self.dropout if self.training else 0.0)
        output = self.out_proj(output.permute(2, 0, 1, 3).reshape(length, batch, embed))
        if unbatched:
            output = output.squeeze(1)
        elif self.batch_first:
            output = output.transpose(0, 1)
        if not need_weights:
            return output, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return output, weights.squeeze(0) if unbatched else weights
