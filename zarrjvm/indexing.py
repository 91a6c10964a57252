"""Selections as NumPy and zarr-python spell them, turned into the boxes Java reads and the numpy result.

A selection (``a[...]``, ``a.oindex[...]``, ``a.vindex[...]``, ``a.blocks[...]``) is first reduced to one form,
:class:`Selection`: some axes selected *together* by coordinate points (``vindex``, NumPy's advanced indices) and the
other axes selected *independently* (a ``range`` or an integer array each). :func:`plan` then cuts it into boxes that
never share a chunk: along an independent axis the touched chunks are grouped into runs of neighbouring chunks (one
box extent per run), and the points are grouped by the chunk that holds them (one small box per chunk). Every chunk
holding a selected element is therefore decoded exactly once, and no other chunk is: ``a[::999, ::999]`` on a
1000×1000 array of 100×100 chunks reads 4 chunks, not 100. Java reads the boxes of one selection in parallel, in one
call; a selection that is one box comes back as a read-only view on Java's memory, anything else is assembled into a
fresh numpy array.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import OutOfBoundsError

#: an independent axis's selection: the positions, in the order the result has them
Positions = range | np.ndarray

_VALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are "
          "valid indices")


@dataclass
class Selection:
    """What to read: ``points`` (equal-length coordinate arrays, one per axis of ``point_axes``) and ``orth`` (the
    positions of every other axis, in axis order). The raw result has shape ``(P, *orth lengths)`` with points, or
    ``(*orth lengths)`` without; ``finish`` turns it into the shape the user asked for."""

    orth: dict[int, Positions]
    point_axes: tuple[int, ...] = ()
    points: tuple[np.ndarray, ...] = ()
    finish: Callable[[np.ndarray], Any] = field(default=lambda raw: raw)


# -- parsing ----------------------------------------------------------------------------------------------------------
def _is_int(k: Any) -> bool:
    return isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))


def _int_index(i: Any, n: int, axis: int) -> int:
    i = operator.index(i)
    if i < -n or i >= n:
        raise OutOfBoundsError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i % n


def _as_index_array(k: Any) -> np.ndarray | None:
    """``k`` as an integer or boolean array, or None when it is not an array-like index."""
    if isinstance(k, (slice, type(None), type(Ellipsis))) or _is_int(k):
        return None
    if isinstance(k, (bool, np.bool_)):
        raise IndexError("boolean scalar indices are not supported: use a boolean array")
    a = np.asarray(k)
    if a.dtype == np.bool_:
        if a.ndim == 0:
            raise IndexError("boolean scalar indices are not supported: use a boolean array")
        return a
    if a.dtype.kind in "iu":
        return a
    if a.size == 0 and a.dtype.kind == "f":  # np.asarray([]) is float64; NumPy accepts it as an empty integer index
        return a.astype(np.intp)
    raise IndexError(f"{_VALID}; got {type(k).__name__} {a.dtype}")


def _int_array(a: np.ndarray, n: int, axis: int) -> np.ndarray:
    """Integer positions checked against the axis length, negatives counted from the end."""
    if a.size and a.dtype.kind == "u" and int(a.max()) >= n:
        raise OutOfBoundsError(f"index {int(a.max())} is out of bounds for axis {axis} with size {n}")
    a = a.astype(np.intp, copy=False)
    if a.size and (int(a.min()) < -n or int(a.max()) >= n):
        bad = int(a.min()) if int(a.min()) < -n else int(a.max())
        raise OutOfBoundsError(f"index {bad} is out of bounds for axis {axis} with size {n}")
    return np.where(a < 0, a + n, a) if a.size and int(a.min()) < 0 else a


def _expand(key: Any, shape: tuple[int, ...], allow_newaxis: bool) -> tuple[list[Any], bool]:
    """The key with array-likes as arrays and its Ellipsis (or missing trailing axes) spelled out as full slices, and
    whether it had an Ellipsis (NumPy then returns an array where integers alone would give a scalar)."""
    items = list(key) if isinstance(key, tuple) else [key]
    out: list[Any] = []
    consumed = 0
    for k in items:
        if k is None and not allow_newaxis:
            raise IndexError("None (numpy.newaxis) is not supported here; index the result")
        a = _as_index_array(k)
        if a is not None:
            consumed += a.ndim if a.dtype == np.bool_ else 1
            out.append(a)
        else:
            consumed += 0 if k is None or k is Ellipsis else 1
            out.append(k)
    if sum(1 for k in out if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but {consumed} were indexed")
    fill = [slice(None)] * (len(shape) - consumed)
    if any(k is Ellipsis for k in out):
        i = next(i for i, k in enumerate(out) if k is Ellipsis)
        return out[:i] + fill + out[i + 1:], True
    return out + fill, False


def numpy_selection(key: Any, shape: tuple[int, ...]) -> Selection:
    """``a[key]`` with NumPy's semantics: basic indexing, plus integer and boolean arrays (advanced indices, broadcast
    together; their dimensions go where NumPy puts them)."""
    expanded, ellipsis = _expand(key, shape, allow_newaxis=True)
    # entries: ("new",) | ("slice", axis, range) | ("int", axis, i) | ("adv", axes, arrays)
    entries: list[tuple[Any, ...]] = []
    axis = 0
    for k in expanded:
        if k is None:
            entries.append(("new",))
        elif isinstance(k, slice):
            entries.append(("slice", axis, range(*k.indices(shape[axis]))))
            axis += 1
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            want = shape[axis:axis + k.ndim]
            if k.shape != want:
                raise IndexError(f"boolean index of shape {k.shape} does not match the indexed dimensions {want}")
            entries.append(("adv", tuple(range(axis, axis + k.ndim)), tuple(np.nonzero(k))))
            axis += k.ndim
        elif isinstance(k, np.ndarray):
            entries.append(("adv", (axis,), (_int_array(k, shape[axis], axis),)))
            axis += 1
        else:
            entries.append(("int", axis, _int_index(k, shape[axis], axis)))
            axis += 1
    if not any(e[0] == "adv" for e in entries):
        return _basic(entries, ellipsis)
    # NumPy: with an array present, integers are advanced indices too; all broadcast together
    adv_pos = [i for i, e in enumerate(entries) if e[0] in ("adv", "int")]
    axes: list[int] = []
    arrays: list[Any] = []
    for i in adv_pos:
        e = entries[i]
        if e[0] == "int":
            axes.append(e[1])
            arrays.append(np.intp(e[2]))
        else:
            axes.extend(e[1])
            arrays.extend(e[2])
    try:
        b = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        shapes = " ".join(str(np.shape(a)) for a in arrays)
        raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}") \
            from None
    points = tuple(np.broadcast_to(a, b).ravel() for a in arrays)
    adjacent = adv_pos == list(range(adv_pos[0], adv_pos[-1] + 1))
    orth = {e[1]: e[2] for e in entries if e[0] == "slice"}
    # where each result dimension comes from: "B" (the broadcast shape), ("o", k) (k-th sliced axis), "new"
    tokens: list[Any] = []
    k = 0
    for i, e in enumerate(entries):
        if e[0] == "slice":
            tokens.append(("o", k))
            k += 1
        elif e[0] == "new":
            tokens.append("new")
        elif adjacent and i == adv_pos[0]:
            tokens.append("B")
    if not adjacent:
        tokens.insert(0, "B")
    nb = len(b)

    def finish(raw: np.ndarray) -> np.ndarray:
        r = raw.reshape(b + raw.shape[1:])
        perm: list[int] = []
        index: list[Any] = []
        for t in tokens:
            if t == "B":
                perm.extend(range(nb))
                index.extend([slice(None)] * nb)
            elif t == "new":
                index.append(None)
            else:
                perm.append(nb + t[1])
                index.append(slice(None))
        return r.transpose(perm)[tuple(index)]

    return Selection(orth, tuple(axes), points, finish)


def _basic(entries: list[tuple[Any, ...]], ellipsis: bool) -> Selection:
    """Basic indexing: every axis independent; integers read one position and drop their axis, None adds one; the
    result is a NumPy scalar when integers select one element and there is no Ellipsis, as in NumPy."""
    orth: dict[int, Positions] = {}
    index: list[Any] = []
    for e in entries:
        if e[0] == "new":
            index.append(None)
        elif e[0] == "slice":
            orth[e[1]] = e[2]
            index.append(slice(None))
        else:
            orth[e[1]] = range(e[2], e[2] + 1)
            index.append(0)
    t = tuple(index) + ((Ellipsis,) if ellipsis else ())
    return Selection(orth, finish=lambda raw: raw[t])


def orthogonal_selection(key: Any, shape: tuple[int, ...]) -> Selection:
    """``a.oindex[key]``: each axis selected independently by an integer, a slice, an integer array or a boolean mask
    (as zarr-python's ``get_orthogonal_selection``)."""
    expanded, ellipsis = _expand(key, shape, allow_newaxis=False)
    orth: dict[int, Positions] = {}
    index: list[Any] = []
    for axis, k in enumerate(expanded):
        n = shape[axis]
        if isinstance(k, slice):
            orth[axis] = range(*k.indices(n))
            index.append(slice(None))
        elif isinstance(k, np.ndarray):
            if k.ndim != 1:
                raise IndexError(f"orthogonal selection takes one-dimensional arrays; axis {axis} got shape {k.shape}")
            if k.dtype == np.bool_:
                if k.shape[0] != n:
                    raise IndexError(f"boolean mask of length {k.shape[0]} for axis {axis} of length {n}")
                k = np.flatnonzero(k)
            orth[axis] = _int_array(k, n, axis)
            index.append(slice(None))
        else:
            i = _int_index(k, n, axis)
            orth[axis] = range(i, i + 1)
            index.append(0)
    t = tuple(index) + ((Ellipsis,) if ellipsis else ())
    return Selection(orth, finish=lambda raw: raw[t])


def coordinate_selection(key: Any, shape: tuple[int, ...]) -> Selection:
    """``a.vindex[key]``: one integer array (or integer) per axis, broadcast together, selecting points; or one boolean
    mask of the array's shape (as zarr-python's ``get_coordinate_selection`` / ``get_mask_selection``)."""
    items = list(key) if isinstance(key, tuple) else [key]
    if len(items) == 1:
        m = _as_index_array(items[0])
        if m is not None and m.dtype == np.bool_:
            if m.shape != shape:
                raise IndexError(f"a mask selection needs a boolean array of the array's shape {shape}, got {m.shape}")
            return Selection({}, tuple(range(len(shape))), tuple(np.nonzero(m)))
    if len(items) != len(shape):
        raise IndexError(f"vindex needs one integer array per dimension ({len(shape)}), got {len(items)}")
    arrays = []
    for axis, k in enumerate(items):
        a = _as_index_array(k)
        if a is None and _is_int(k):
            a = np.asarray(k, dtype=np.intp)
        if a is None or a.dtype == np.bool_:
            raise IndexError(f"vindex takes integer arrays (or one boolean mask of the array's shape); axis {axis} got "
                             f"{k!r}")
        arrays.append(_int_array(a, shape[axis], axis))
    try:
        b = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise IndexError("vindex arrays could not be broadcast together with shapes "
                         + " ".join(str(a.shape) for a in arrays)) from None
    points = tuple(np.broadcast_to(a, b).ravel() for a in arrays)
    return Selection({}, tuple(range(len(shape))), points, finish=lambda raw: raw.reshape(b))


def block_selection(key: Any, shape: tuple[int, ...], chunks: tuple[int, ...]) -> Selection:
    """``a.blocks[key]``: integers and step-1 slices over the chunk grid, each selecting whole chunks (dimensions are
    kept, as zarr-python's ``get_block_selection``)."""
    expanded, _ = _expand(key, shape, allow_newaxis=False)
    orth: dict[int, Positions] = {}
    for axis, k in enumerate(expanded):
        n, c = shape[axis], chunks[axis]
        nblocks = -(-n // c) if n else 0
        if isinstance(k, slice):
            start, stop, step = k.indices(nblocks)
            if step != 1:
                raise IndexError(f"block selection takes slices of step 1; axis {axis} got step {step}")
            stop = max(start, stop)
        elif _is_int(k):
            start = _int_index(k, nblocks, axis)
            stop = start + 1
        else:
            raise IndexError(f"block selection takes integers and slices; axis {axis} got {k!r}")
        orth[axis] = range(min(start * c, n), min(stop * c, n))
    return Selection(orth)


# -- planning ---------------------------------------------------------------------------------------------------------
@dataclass
class _Piece:
    """One run of neighbouring chunks along an independent axis: where its positions go in the result, and which."""

    out: slice | np.ndarray
    pos: Positions
    lo: int
    hi: int


def _range_pieces(r: range, chunk: int) -> list[_Piece]:
    n = len(r)
    if n == 0:
        return []
    if abs(r.step) <= chunk:  # consecutive positions never skip a chunk: one run
        return [_Piece(slice(0, n), r, min(r[0], r[-1]), max(r[0], r[-1]) + 1)]
    ids = np.arange(r.start, r.stop, r.step) // chunk
    cuts = [0, *(np.flatnonzero(np.abs(np.diff(ids)) > 1) + 1).tolist(), n]
    out = []
    for a, b in itertools.pairwise(cuts):
        sub = r[a:b]
        out.append(_Piece(slice(a, b), sub, min(sub[0], sub[-1]), max(sub[0], sub[-1]) + 1))
    return out


def _array_pieces(pos: np.ndarray, chunk: int) -> list[_Piece]:
    if pos.size == 0:
        return []
    ids = pos // chunk
    uniq = np.unique(ids)
    run_of_chunk = np.concatenate([[0], np.cumsum(np.diff(uniq) > 1)])
    if run_of_chunk[-1] == 0:
        return [_Piece(slice(0, pos.size), pos, int(pos.min()), int(pos.max()) + 1)]
    run = run_of_chunk[np.searchsorted(uniq, ids)]
    order = np.argsort(run, kind="stable")
    bounds = np.searchsorted(run[order], np.arange(int(run_of_chunk[-1]) + 2))
    out = []
    for a, b in itertools.pairwise(bounds.tolist()):
        idx = order[a:b]
        p = pos[idx]
        out.append(_Piece(idx, p, int(p.min()), int(p.max()) + 1))
    return out


def _local(pos: Positions, lo: int) -> slice | np.ndarray:
    """Positions relative to a box starting at ``lo``: a slice for a range (a view), else an integer array."""
    if isinstance(pos, range):
        first, last = pos[0] - lo, pos[-1] - lo
        end: int | None = last + pos.step
        if end is not None and end < 0:
            end = None
        return slice(first, end, pos.step)
    return pos - lo


def _as_array(s: slice | np.ndarray, n: int) -> np.ndarray:
    return np.arange(n)[s] if isinstance(s, slice) else s


@dataclass
class Plan:
    """The boxes (offset, shape) to read, and how each one lands in the result."""

    shape: tuple[int, ...]
    boxes: list[tuple[tuple[int, ...], tuple[int, ...]]]
    _places: list[tuple[Any, Any]]
    finish: Callable[[np.ndarray], Any]
    #: the selection is exactly the one box read, basic-indexed: the result can be a view on it
    view_index: tuple[Any, ...] | None = None

    def assemble(self, read: Callable[[list[tuple[tuple[int, ...], tuple[int, ...]]]], Sequence[np.ndarray]],
                 dtype: np.dtype, batch_bytes: int = 256 << 20) -> Any:
        """Reads the boxes (``read(boxes)`` returns one numpy array per box, in order), in batches of about
        ``batch_bytes``, and puts them together."""
        if self.view_index is not None:
            return self.finish(read(self.boxes)[0][self.view_index + (Ellipsis,)])
        out = np.empty(self.shape, dtype=dtype)
        itemsize = dtype.itemsize
        start = 0
        while start < len(self.boxes):
            end, size = start, 0
            while end < len(self.boxes) and (end == start or size < batch_bytes):
                size += math.prod(self.boxes[end][1]) * itemsize
                end += 1
            for (dst, src), box in zip(self._places[start:end], read(self.boxes[start:end])):
                out[dst] = box[src]
            start = end
        return self.finish(out)


def plan(sel: Selection, shape: tuple[int, ...], chunks: tuple[int, ...]) -> Plan:
    """Cuts ``sel`` into boxes that share no chunk (see the module doc)."""
    orth_axes = sorted(sel.orth)
    pieces: list[list[_Piece]] = []
    for d in orth_axes:
        p = sel.orth[d]
        pieces.append(_range_pieces(p, chunks[d]) if isinstance(p, range) else _array_pieces(p, chunks[d]))
    orth_len = tuple(len(sel.orth[d]) for d in orth_axes)
    has_points = bool(sel.point_axes)
    npoints = len(sel.points[0]) if has_points else 0
    result_shape = ((npoints,) if has_points else ()) + orth_len
    groups: list[np.ndarray | None] = [None]
    if has_points:
        groups = _point_groups(sel, shape, chunks)
    boxes: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    places: list[tuple[Any, Any]] = []
    ndim = len(shape)
    for g in groups:
        for combo in itertools.product(*pieces):
            lo = [0] * ndim
            hi = [0] * ndim
            for d, pc in zip(orth_axes, combo):
                lo[d], hi[d] = pc.lo, pc.hi
            if g is not None:
                for d, coords in zip(sel.point_axes, sel.points):
                    c = coords[g]
                    lo[d], hi[d] = int(c.min()), int(c.max()) + 1
            boxes.append((tuple(lo), tuple(h - lo_ for h, lo_ in zip(hi, lo))))
            places.append(_place(sel, g, orth_axes, combo, lo, ndim))
    view_index = None
    if not has_points and len(boxes) == 1 and all(isinstance(p[0].pos, range) for p in pieces):
        view_index = tuple(_local(p[0].pos, p[0].lo) for p in pieces)
    return Plan(result_shape, boxes, places, sel.finish, view_index)


def _point_groups(sel: Selection, shape: tuple[int, ...], chunks: tuple[int, ...]) -> list[np.ndarray | None]:
    """The points' indices grouped by the chunk that holds them."""
    if len(sel.points[0]) == 0:
        return []
    grid = tuple(-(-shape[d] // chunks[d]) for d in sel.point_axes)
    ids = [coords // chunks[d] for d, coords in zip(sel.point_axes, sel.points)]
    flat = np.ravel_multi_index(ids, grid)
    _, inverse = np.unique(flat, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(int(inverse.max()) + 2))
    return [order[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def _out_positions(pc: _Piece) -> np.ndarray:
    return np.arange(pc.out.start, pc.out.stop) if isinstance(pc.out, slice) else pc.out


def _box_positions(pc: _Piece, lo: int) -> np.ndarray:
    p = pc.pos
    return np.arange(p.start - lo, p.stop - lo, p.step) if isinstance(p, range) else p - lo


def _place(sel: Selection, g: np.ndarray | None, orth_axes: list[int], combo: tuple[_Piece, ...], lo: list[int],
           ndim: int) -> tuple[Any, Any]:
    """(index into the result, index into the box) for one box."""
    if g is None:
        if all(isinstance(pc.pos, range) for pc in combo):  # slices on both sides: plain copies
            return (tuple(pc.out for pc in combo), tuple(_local(pc.pos, lo[d]) for d, pc in zip(orth_axes, combo)))
        return (np.ix_(*(_out_positions(pc) for pc in combo)),
                np.ix_(*(_box_positions(pc, lo[d]) for d, pc in zip(orth_axes, combo))))
    # points: every axis gets an index array; the points' axis comes first, then the independent axes in order
    n_o = len(combo)
    pg = len(g)
    src_index: list[Any] = [None] * ndim
    for d, coords in zip(sel.point_axes, sel.points):
        src_index[d] = (coords[g] - lo[d]).reshape((pg,) + (1,) * n_o)
    dst_index: list[Any] = [g.reshape((pg,) + (1,) * n_o)]
    for j, (d, pc) in enumerate(zip(orth_axes, combo)):
        shape = [1] * (n_o + 1)
        shape[j + 1] = len(pc.pos)
        src_index[d] = _box_positions(pc, lo[d]).reshape(shape)
        dst_index.append(_out_positions(pc).reshape(shape))
    return tuple(dst_index), tuple(src_index)
