# mypy: ignore-errors
# (it runs on zarr 2's API; the environment mypy checks in has zarr 3)
"""zarr-python 2 as a persistent worker of zarrjvm's compatibility matrix (run by ``.venv-zarr2/bin/python -I``).

One JSON request per line on stdin, one JSON reply per line on stdout (``{"id", "ok", ...}`` or ``{"id", "ok": false,
"error_type", "error"}``). Arrays travel as ``.npy`` files. Only zarr 2's own public API is used; this file imports
nothing from zarrjvm (its environment has no zarrjvm and no zarr 3).
"""

import json
import sys
import traceback

import numcodecs
import numpy as np
import zarr


def _fill(value, dtype):
    if value is None:
        return None
    if isinstance(value, str):  # "NaN", "Infinity", "-Infinity"
        return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}[value]
    return np.dtype(dtype).type(value)


def write(req):
    compressor = numcodecs.get_codec(req["compressor"]) if req["compressor"] else None
    kwargs = {"shape": tuple(req["shape"]), "chunks": tuple(req["chunks"]) if req["shape"] else True,
              "dtype": req["dtype"], "compressor": compressor, "order": req["order"],
              "fill_value": req["fill_value"] if req.get("kind") else _fill(req["fill_value"], req["dtype"])}
    if req.get("kind") == "string":  # zarr 2's variable-length strings: object dtype with the VLenUTF8 codec
        kwargs.update(dtype=object, object_codec=numcodecs.VLenUTF8())
    elif req.get("kind"):
        kwargs["fill_value"] = req["fill_value"].encode("latin-1") if "S" in req["dtype"] else req["fill_value"]
    if req["separator"] is not None:
        kwargs["dimension_separator"] = req["separator"]
    if req["group"]:
        g = zarr.open_group(req["store"], mode="w")
        for part in req["group"].split("/"):
            g = g.create_group(part)
        arr = g.create("arr", **kwargs)
    else:
        arr = zarr.open_array(req["store"], mode="w", **kwargs)
    arr.attrs.update(req["attrs"])
    data = np.load(req["data"], allow_pickle=bool(req.get("kind")))  # strings: an object array, written by us
    if req["shape"]:
        arr[tuple(slice(a, b) for a, b in req["region"])] = data
    else:
        arr[()] = data[()]
    return {}


def read(req):
    if req["group"]:
        node = zarr.open_group(req["store"], mode="r")
        for part in req["path"].split("/"):
            node = node[part]
        arr = node
    else:
        arr = zarr.open_array(req["store"], mode="r", path=req["path"] or None)
    np.save(req["out"], arr[...])
    return {"dtype": arr.dtype.str, "attrs": arr.attrs.asdict()}


def main():
    ops = {"hello": lambda req: {"version": zarr.__version__, "numcodecs": numcodecs.__version__},
           "write": write, "read": read}
    out, sys.stdout = sys.stdout, sys.stderr  # whatever a library prints must not corrupt the replies
    for line in sys.stdin:
        req = json.loads(line)
        try:
            reply = {"id": req["id"], "ok": True, **ops[req["op"]](req)}
        except Exception as e:  # the implementation's failure is the request's result
            reply = {"id": req["id"], "ok": False, "error_type": type(e).__name__, "error": str(e),
                     "traceback": traceback.format_exc(limit=5)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
