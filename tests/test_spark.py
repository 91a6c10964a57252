"""The DataSource V2 ``zarr`` in real pyspark (local[2]): every value against what zarr-python wrote, chunk pruning
measured with the scan's ``chunksRead`` metric, projection, partitioning, errors, and Arrow memory returned.

One SparkSession for the module (pyspark starts its own JVM through py4j, apart from zarrjvm's JPype JVM).
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import as_declared, assert_same
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import zarrjvm
import zarrjvm.spark
from zarrjvm.compat.capabilities import java_reader_limitation, java_reader_limitations, known_defect
from zarrjvm.compat.cases import CASES_BY_NAME, Case, write_python

SHAPE = (37, 23)
CHUNKS = (10, 8)
GRID = tuple(math.ceil(s / c) for s, c in zip(SHAPE, CHUNKS))  # (4, 3)
NCHUNKS = GRID[0] * GRID[1]

#: Spark's type for each stored dtype (unsigned widened; see zarrjvm.spark)
SPARK_TYPES = {"b1": "boolean", "i1": "tinyint", "i2": "smallint", "i4": "int", "i8": "bigint", "u1": "smallint",
               "u2": "int", "u4": "bigint", "u8": "decimal(20,0)", "f4": "float", "f8": "double"}


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    b = SparkSession.builder.master("local[2]").appName("zarrjvm-tests")
    for k, v in zarrjvm.spark.spark_conf().items():  # the jar, and the `zarr` catalog for SQL on paths
        b = b.config(k, v)
    s = (b.config("spark.ui.enabled", "false")
         .config("spark.driver.host", "127.0.0.1")
         .config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.driver.memory", "1g")
         .config("spark.sql.shuffle.partitions", "2")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A v3 group with three same-shape arrays of different dtypes and chunk grids, a v2 copy of ``a``, and an
    array of another shape. Written by zarr-python."""
    import zarr

    root = tmp_path_factory.mktemp("spark")
    i, j = np.indices(SHAPE)
    data = {
        "a": (i * 1000 + j).astype("<i4"),
        "b": (i * 0.5 - j * 0.25).astype("<f8"),
        "c": ((i * 7 + j * 3) % 256).astype("|u1"),
    }
    g = zarr.open_group(str(root / "g3.zarr"), mode="w", zarr_format=3)
    g.create_array("a", shape=SHAPE, chunks=CHUNKS, dtype="<i4")[:] = data["a"]
    g.create_array("b", shape=SHAPE, chunks=CHUNKS, dtype="<f8")[:] = data["b"]
    g.create_array("c", shape=SHAPE, chunks=(16, 16), dtype="|u1")[:] = data["c"]  # another grid: read as regions
    g.create_array("other", shape=(5, 5), chunks=(5, 5), dtype="<i4")[:] = 1
    v2 = zarr.open_group(str(root / "g2.zarr"), mode="w", zarr_format=2)
    v2.create_array("a", shape=SHAPE, chunks=CHUNKS, dtype="<i4")[:] = data["a"]
    return {"root": root, "g3": str(root / "g3.zarr"), "g2": str(root / "g2.zarr"),
            "a3": str(root / "g3.zarr" / "a"), "a2": str(root / "g2.zarr" / "a"), "data": data}


# -- plan inspection --------------------------------------------------------------------------------------------------
def _children(node: Any) -> list[Any]:
    name = str(node.getClass().getSimpleName())
    if name == "AdaptiveSparkPlanExec":
        return [node.executedPlan()]
    if name.endswith("QueryStageExec"):
        return [node.plan()]
    seq = node.children()
    return [seq.apply(k) for k in range(seq.size())]


def scan_metrics(df: DataFrame) -> dict[str, int]:
    """The zarr scan's metrics of ``df``'s executed plan (run an action on ``df`` first)."""
    todo = [df._jdf.queryExecution().executedPlan()]
    found: list[dict[str, int]] = []
    while todo:
        node = todo.pop()
        if str(node.getClass().getSimpleName()) == "BatchScanExec":
            m = node.metrics()
            found.append({k: int(m.get(k).get().value()) for k in ("chunksRead", "chunksPlanned", "chunksTotal")
                          if m.get(k).isDefined()})
        todo.extend(_children(node))
    assert len(found) == 1, f"expected one zarr scan in the plan, found {len(found)}"
    return found[0]


def grid_from_rows(rows: list[Any], shape: tuple[int, ...], column: str, dtype: np.dtype) -> np.ndarray:
    """The array rebuilt from (dim_0 … dim_{n-1}, column) rows; every index must appear exactly once."""
    ndim = len(shape)
    out = np.zeros(shape, dtype=dtype)
    seen = np.zeros(shape, dtype=np.int64)
    for r in rows:
        idx = tuple(int(r[f"dim_{d}"]) for d in range(ndim))
        v = r[column]
        out[idx] = int(v) if isinstance(v, decimal.Decimal) else v
        seen[idx] += 1
    assert np.all(seen == 1), f"{int((seen != 1).sum())} indices not seen exactly once"
    return out


def allocated(spark: SparkSession) -> tuple[int, int]:
    """Arrow bytes and open child allocators of zarrjvm's allocator in Spark's JVM."""
    mem = spark._jvm.dev.zarrjvm.arrow.ArrowMemory
    return int(mem.allocatedBytes()), int(mem.openChildren())


# -- basics -----------------------------------------------------------------------------------------------------------
def test_jars_is_the_built_spark_jar() -> None:
    jars = zarrjvm.spark.jars()
    assert len(jars) == 1
    assert Path(jars[0]).is_file()
    assert Path(jars[0]).parent.name == "zarrjvm_spark"  # zarrjvm-spark's, not in _jars/ where JPype's classpath globs


def test_sparks_jvm_decodes_zlib_and_gzip_with_libdeflate(spark: SparkSession) -> None:
    """The Spark jar carries libzarrjvm_deflate.so and JNA loads it from the jar's class loader in Spark's JVM (local
    mode: the executors' JVM), so the DataSource's native zlib/gzip decoding is libdeflate's, not the JDK's Inflater."""
    jvm = spark._jvm
    for codec in ("zlib", "gzip"):
        chain = jvm.dev.zarrjvm.codec.NativeChain.of(jvm.java.util.List.of(codec))
        assert re.fullmatch(rf"{codec} \(libdeflate 1\.\d+\)", chain.describe()), chain.describe()


@pytest.mark.parametrize("fmt", ["a3", "a2"])
def test_schema_count_sum_and_elements(spark: SparkSession, stores: dict[str, Any], fmt: str) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores[fmt])
    assert [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema.fields] == [
        ("dim_0", "bigint", False), ("dim_1", "bigint", False), ("value", "int", False)]
    want = stores["data"]["a"]
    assert df.count() == want.size
    assert df.agg(F.sum("value")).collect()[0][0] == int(want.astype(np.int64).sum())
    assert_same(grid_from_rows(df.collect(), SHAPE, "value", want.dtype), want)
    # the same table through the plain Spark API
    plain = spark.read.format("zarr").load(stores[fmt])
    assert plain.agg(F.sum("value"), F.max("dim_0"), F.max("dim_1")).collect()[0] == (
        int(want.astype(np.int64).sum()), SHAPE[0] - 1, SHAPE[1] - 1)


def test_single_elements_read_one_chunk(spark: SparkSession, stores: dict[str, Any]) -> None:
    want = stores["data"]["a"]
    for i, j in [(0, 0), (36, 22), (12, 17), (9, 8)]:
        df = zarrjvm.spark.read_zarr(spark, stores["a3"]).filter(f"dim_0 = {i} AND dim_1 = {j}").select("value")
        rows = df.collect()
        assert [r.value for r in rows] == [int(want[i, j])]
        m = scan_metrics(df)
        assert m == {"chunksRead": 1, "chunksPlanned": 1, "chunksTotal": NCHUNKS}, (i, j, m)


def _chunks_holding(mask: np.ndarray) -> int:
    hit = set()
    for i, j in zip(*np.nonzero(mask)):
        hit.add((i // CHUNKS[0], j // CHUNKS[1]))
    return len(hit)


FILTERS: list[tuple[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray], bool]] = [
    # (Spark SQL, the same condition on numpy index grids and values, pruning is exact)
    ("dim_0 = 12", lambda i, j, v: i == 12, True),
    ("dim_0 < 10", lambda i, j, v: i < 10, True),
    ("dim_0 <= 10", lambda i, j, v: i <= 10, True),
    ("dim_1 > 15", lambda i, j, v: j > 15, True),
    ("dim_1 >= 16", lambda i, j, v: j >= 16, True),
    ("dim_0 BETWEEN 15 AND 25", lambda i, j, v: (i >= 15) & (i <= 25), True),
    ("dim_1 IN (0, 17, 22)", lambda i, j, v: np.isin(j, [0, 17, 22]), True),
    ("dim_0 >= 30 AND dim_1 < 8", lambda i, j, v: (i >= 30) & (j < 8), True),
    ("dim_0 >= 30 AND dim_1 < 8 AND value % 2 = 0", lambda i, j, v: (i >= 30) & (j < 8) & (v % 2 == 0), True),
    ("dim_0 = 0 OR dim_0 = 36", lambda i, j, v: (i == 0) | (i == 36), True),
    ("dim_0 > 100", lambda i, j, v: i > 100, True),
    # an OR across dimensions cannot be a box: no pruning, still the right rows
    ("dim_0 = 0 OR dim_1 = 0", lambda i, j, v: (i == 0) | (j == 0), False),
    # a filter on values alone prunes nothing
    ("value < 5000", lambda i, j, v: v < 5000, False),
]


@pytest.mark.parametrize("sql,cond,exact", FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_prune_chunks(spark: SparkSession, stores: dict[str, Any], sql: str,
                              cond: Callable[..., np.ndarray], exact: bool) -> None:
    want = stores["data"]["a"]
    i, j = np.indices(SHAPE)
    mask = cond(i, j, want)
    df = zarrjvm.spark.read_zarr(spark, stores["a3"]).filter(sql)
    rows = df.collect()
    got = sorted((r.dim_0, r.dim_1, r.value) for r in rows)
    assert got == sorted(zip(i[mask].tolist(), j[mask].tolist(), want[mask].tolist()))
    m = scan_metrics(df)
    expected_chunks = _chunks_holding(mask) if exact else NCHUNKS
    assert m == {"chunksRead": expected_chunks, "chunksPlanned": expected_chunks, "chunksTotal": NCHUNKS}


def test_pruning_shows_in_explain(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["a3"]).filter("dim_0 BETWEEN 10 AND 19")
    plan = df._jdf.queryExecution().executedPlan().toString()
    assert "ZarrScan" in plan
    assert "ChunksPlanned: 3 of 12" in plan
    assert "PushedFilters: [dim_0 >= 10, dim_0 <= 19]" in plan


# -- groups, projection, partitions -----------------------------------------------------------------------------------
def test_group_arrays_element_wise(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["g3"], arrays=["a", "b", "c"])
    assert df.columns == ["dim_0", "dim_1", "a", "b", "c"]
    assert df.schema["c"].dataType.simpleString() == "smallint"
    assert "uint8" in df.schema["c"].metadata["zarr.widened"]
    rows = df.collect()
    for name in ("a", "b", "c"):
        want = stores["data"][name]
        assert_same(grid_from_rows(rows, SHAPE, name, want.dtype), want)
    m = scan_metrics(df)
    # a and b share the 4x3 grid, c has chunks 16x16 (a 3x2 grid): boxes aligned with both grids decode each chunk of
    # each array once
    c_chunks = math.ceil(SHAPE[0] / 16) * math.ceil(SHAPE[1] / 16)
    assert m["chunksRead"] == 2 * NCHUNKS + c_chunks
    assert m["chunksPlanned"] == NCHUNKS


def test_projection_reads_only_selected_arrays(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["g3"], arrays="a,b")
    only_a = df.select("a")
    assert only_a.agg(F.sum("a")).collect()[0][0] == int(stores["data"]["a"].astype(np.int64).sum())
    q = only_a.agg(F.sum("a"))
    q.collect()
    assert scan_metrics(q)["chunksRead"] == NCHUNKS
    both = df.select("a", "b")
    both.collect()
    assert scan_metrics(both)["chunksRead"] == 2 * NCHUNKS
    # no array column at all: rows and dims come from metadata, nothing is read
    dims = df.filter("dim_0 < 10").select("dim_0", "dim_1")
    assert dims.count() == 10 * SHAPE[1]
    dims.collect()
    assert scan_metrics(dims)["chunksRead"] == 0
    assert df.count() == int(np.prod(SHAPE))


@pytest.mark.parametrize("per,partitions", [(1, 12), (5, 3), (12, 1), (100, 1)])
def test_chunks_per_partition(spark: SparkSession, stores: dict[str, Any], per: int, partitions: int) -> None:
    df = spark.read.format("zarr").option("chunksPerPartition", per).load(stores["a3"])
    assert df.rdd.getNumPartitions() == partitions
    assert df.agg(F.sum("value")).collect()[0][0] == int(stores["data"]["a"].astype(np.int64).sum())
    pruned = df.filter("dim_0 >= 20")  # 2 chunk rows x 3 = 6 chunks
    assert pruned.rdd.getNumPartitions() == math.ceil(6 / per)


def test_arrow_memory_returns_to_zero(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["g3"], arrays=["a", "b", "c"])
    df.agg(F.sum("a"), F.sum("b"), F.sum("c")).collect()
    df.filter("dim_1 = 3").limit(2).collect()
    assert allocated(spark) == (0, 0)


# -- every dtype, v2 and v3, every backend -----------------------------------------------------------------------------
DTYPE_CASES = [c for c in CASES_BY_NAME.values() if "-dtype-" in c.name]
EXTRA_CASES = ["zarr-v2-codec-blosc-lz4-shuffle-f4", "zarr-v3-codec-blosc-zstd-shuffle-u2", "zarr-v3-sharded-f4",
               "zarr-v3-sharded-partial-missing", "zarr-v2-fill-nan-missing", "zarr-v3-fill-max-u8-missing",
               "zarr-v2-4d-partial", "zarr-v3-5d", "zarr-v3-order-F-transpose", "zarr-v3-0d", "zarr-v2-empty",
               "zarr-v2-separator-slash"]


NETCDF_CASES = ["netcdf3-classic-i2", "netcdf4-zlib-u2", "netcdf4-zlib-f8", "netcdf4-group-i4"]


def _read_params() -> list[Any]:
    out = []
    for case in DTYPE_CASES + [CASES_BY_NAME[n] for n in EXTRA_CASES + NETCDF_CASES]:
        for backend in ("zarr-java", "jzarr", "netcdf-java", "jhdf"):
            if case.format not in {"zarr-java": ("zarr-v2", "zarr-v3"), "jzarr": ("zarr-v2",),
                                   "netcdf-java": ("netcdf3", "netcdf4"), "jhdf": ("netcdf4",)}[backend]:
                continue
            if known_defect(backend, case):
                continue
            why = java_reader_limitation(backend, case)
            marks = [pytest.mark.xfail(strict=True, raises=zarrjvm.UnsupportedError, reason=why)] if why else []
            out.append(pytest.param(case, backend, id=f"{case.name}-{backend}", marks=marks))
    return out


def peer_dimension_names(store: Any, path: str, fmt: str) -> list[str]:
    """The dimension columns the table should have: the names netCDF4 / zarr-python read (``dim_i`` without)."""
    if fmt.startswith("netcdf"):
        import netCDF4

        with netCDF4.Dataset(str(store)) as ds:
            names = list(ds[path].dimensions)
    else:
        import zarr

        a = zarr.open_array(str(store), mode="r")
        if a.metadata.zarr_format == 3:
            names = list(a.metadata.dimension_names or [])
        else:
            names = list(a.attrs.get("_ARRAY_DIMENSIONS", []))
        names = names or [None] * a.ndim
    return [n if n else f"dim_{d}" for d, n in enumerate(names)]


@pytest.mark.parametrize("case,backend", _read_params())
def test_every_value_equals_what_zarr_python_wrote(spark: SparkSession, tmp_path_factory: pytest.TempPathFactory,
                                                  case: Case, backend: str) -> None:
    store, path = write_python(case, tmp_path_factory.mktemp("case"))
    # a Zarr array is its own store; a NetCDF variable is named like an array of a group
    column = "value" if path == "" else path
    with as_declared(java_reader_limitations(backend, case)):  # the declared limitation's own message, not another
        df = zarrjvm.spark.read_zarr(spark, store, arrays=[path] if path else None, backend=backend)
        rows = df.collect()
    kind = f"{case.np_dtype.kind}{case.np_dtype.itemsize}"
    assert df.schema[column].dataType.simpleString() == SPARK_TYPES[kind]
    assert df.schema[column].metadata["zarr.dtype"][1:] == case.dtype[1:]
    dims = peer_dimension_names(store, path, case.format)
    assert df.columns == dims + [column]
    want = case.expected()
    rows = [{**{f"dim_{d}": r[name] for d, name in enumerate(dims)}, column: r[column]} for r in rows]
    got = grid_from_rows(rows, case.shape, column, want.dtype)
    assert_same(got, want)


# -- errors -----------------------------------------------------------------------------------------------------------
def test_missing_path_is_named(spark: SparkSession, stores: dict[str, Any]) -> None:
    missing = str(stores["root"] / "nothing-here.zarr")
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="nothing-here.zarr"):
        zarrjvm.spark.read_zarr(spark, missing)
    with pytest.raises(Exception, match="nothing-here.zarr"):  # the plain Spark API: the Java error, path included
        spark.read.format("zarr").load(missing)


def test_missing_array_is_named(spark: SparkSession, stores: dict[str, Any]) -> None:
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="'nope'"):
        zarrjvm.spark.read_zarr(spark, stores["g3"], arrays=["a", "nope"])


def test_group_of_several_shapes_lists_them(spark: SparkSession, stores: dict[str, Any]) -> None:
    with pytest.raises(zarrjvm.InvalidArgumentError, match=r"is a group whose arrays have different shapes "
                       r"\(a \[37, 23\], b \[37, 23\], c \[37, 23\], other \[5, 5\]\): pass option arrays"):
        zarrjvm.spark.read_zarr(spark, stores["g3"])


def test_arrays_of_different_shapes_are_refused(spark: SparkSession, stores: dict[str, Any]) -> None:
    with pytest.raises(zarrjvm.InvalidArgumentError, match=r"'a' is \[37, 23\], 'other' is \[5, 5\]"):
        zarrjvm.spark.read_zarr(spark, stores["g3"], arrays=["a", "other"])


def test_unknown_option_and_backend_are_refused(spark: SparkSession, stores: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="unknown option 'array'"):
        spark.read.format("zarr").option("array", "a").load(stores["g3"])
    with pytest.raises(zarrjvm.InvalidArgumentError, match="unknown backend 'zarr-rust'"):
        zarrjvm.spark.read_zarr(spark, stores["a3"], backend="zarr-rust")
    with pytest.raises(Exception, match="chunksPerPartition must be a positive integer up to 2147483647, got '0'"):
        spark.read.format("zarr").option("chunksPerPartition", "0").load(stores["a3"])
    with pytest.raises(zarrjvm.InvalidArgumentError, match="arrays= is empty"):
        zarrjvm.spark.read_zarr(spark, stores["g3"], arrays=[])


def test_jzarr_refuses_v3(spark: SparkSession, stores: dict[str, Any]) -> None:
    with pytest.raises(zarrjvm.UnsupportedError, match=r"g3\.zarr/a with jzarr.*Zarr v2 only"):
        zarrjvm.spark.read_zarr(spark, stores["a3"], backend="jzarr")


# -- table behaviour --------------------------------------------------------------------------------------------------
def test_catalog_table_with_location_and_sql_on_a_path(spark: SparkSession, stores: dict[str, Any]) -> None:
    want = stores["data"]
    spark.sql(f"CREATE TABLE zarr_a USING zarr LOCATION '{stores['a3']}'")
    spark.sql(f"CREATE TABLE zarr_ab USING zarr OPTIONS (arrays 'a,b') LOCATION '{stores['g3']}'")
    try:
        row = spark.sql("SELECT sum(value) AS s, count(*) AS n, max(dim_1) AS m FROM zarr_a").collect()[0]
        assert (row.s, row.n, row.m) == (int(want["a"].astype(np.int64).sum()), want["a"].size, SHAPE[1] - 1)
        row = spark.sql("SELECT sum(b) AS s FROM zarr_ab WHERE dim_0 < 10").collect()[0]
        assert row.s == pytest.approx(float(want["b"][:10].sum()), rel=1e-12)
    finally:
        spark.sql("DROP TABLE IF EXISTS zarr_a")
        spark.sql("DROP TABLE IF EXISTS zarr_ab")
    # direct SQL on a path, through the `zarr` catalog of spark_conf()
    row = spark.sql(f"SELECT sum(value) AS s FROM zarr.`{stores['a2']}` WHERE dim_0 = 3").collect()[0]
    assert row.s == int(want["a"][3].astype(np.int64).sum())


def test_statistics_from_metadata_allow_broadcast_joins(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["a3"])
    stats = df._jdf.queryExecution().optimizedPlan().stats()
    assert int(str(stats.rowCount().get())) == int(np.prod(SHAPE))
    assert int(str(stats.sizeInBytes())) == int(np.prod(SHAPE)) * (8 + 8 + 4)  # two bigint dims, one int
    big = spark.range(200_000).withColumnRenamed("id", "k")
    joined = big.join(df, big.k == df.dim_0)
    assert "BroadcastHashJoin" in joined._jdf.queryExecution().executedPlan().toString()
    assert joined.count() == int(np.prod(SHAPE))


def test_batch_size_slices_chunks(spark: SparkSession, stores: dict[str, Any]) -> None:
    want = stores["data"]["a"]
    df = spark.read.format("zarr").option("batchSize", 7).load(stores["a3"])  # rows of 8: one row per batch
    assert_same(grid_from_rows(df.collect(), SHAPE, "value", want.dtype), want)
    assert allocated(spark) == (0, 0)


def test_bytes_size_partitions(spark: SparkSession, stores: dict[str, Any]) -> None:
    # 37x23 int32 in 10x8 chunks: 320 B a chunk. Spark's rule: min(maxPartitionBytes, max(openCost, total / cores))
    df = spark.read.format("zarr").option("maxPartitionBytes", 640).load(stores["a3"])
    parts = df.rdd.getNumPartitions()
    assert parts == math.ceil(NCHUNKS / 2)  # two chunks a partition (packed in C order, edge chunks are smaller)
    assert df.agg(F.sum("value")).collect()[0][0] == int(stores["data"]["a"].astype(np.int64).sum())
    # defaults: a table this small is spread over Spark's default parallelism (2 here), not one task per chunk
    assert zarrjvm.spark.read_zarr(spark, stores["a3"]).rdd.getNumPartitions() == 1  # below openCostInBytes


def test_only_pruning_predicates_are_pushed(spark: SparkSession, stores: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, stores["a3"])
    plan = df.filter("dim_0 < 100 OR dim_1 < 100")._jdf.queryExecution().executedPlan().toString()
    assert "PushedFilters: []" in plan
    plan = df.filter("(dim_0 < 5 OR dim_0 > 30) AND value > 3")._jdf.queryExecution().executedPlan().toString()
    assert "PushedFilters: [(dim_0 < 5) OR (dim_0 > 30)]" in plan


def test_filters_on_a_non_monotonic_coordinate_are_not_pushed(spark: SparkSession, tmp_path: Path) -> None:
    """A coordinate whose values are not monotonic cannot become index ranges: its filters prune nothing, so they are
    not listed as pushed, every chunk is read, and Spark's own filtering still returns exactly numpy's rows."""
    import zarr

    x = np.array([5.0, 1.0, 9.0, 3.0, 7.0, 0.0, 8.0, 2.0, 6.0, 4.0, 11.0, 10.0])  # shuffled
    y = np.arange(10, dtype="<i8") * 10  # increasing: prunes
    v = np.arange(12 * 10, dtype="<i4").reshape(12, 10)
    g = zarr.open_group(str(tmp_path / "shuffled.zarr"), mode="w", zarr_format=3)
    g.create_array("x", shape=(12,), chunks=(12,), dtype="<f8", dimension_names=["x"])[:] = x
    g.create_array("y", shape=(10,), chunks=(10,), dtype="<i8", dimension_names=["y"])[:] = y
    g.create_array("v", shape=v.shape, chunks=(4, 5), dtype="<i4", dimension_names=["x", "y"])[:] = v
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "shuffled.zarr", arrays="v")
    assert df.columns == ["x", "y", "v"]

    def rows_of(mask: np.ndarray) -> list[tuple[float, int, int]]:
        i, j = np.nonzero(mask)
        return sorted(zip(x[i].tolist(), y[j].tolist(), v[i, j].tolist()))

    q = df.filter("x < 4.5")
    assert "PushedFilters: []" in q._jdf.queryExecution().executedPlan().toString()
    assert sorted((r.x, r.y, r.v) for r in q.collect()) == rows_of(np.broadcast_to(x[:, None] < 4.5, v.shape))
    agg = q.agg(F.count("*"), F.sum("v"))  # the sum reads the array
    assert agg.collect()[0] == (5 * 10, int(v[x < 4.5].sum()))
    assert scan_metrics(agg) == {"chunksRead": 6, "chunksPlanned": 6, "chunksTotal": 6}  # 3 x 2 chunks: all read
    both = df.filter("x IN (0.0, 11.0) AND y >= 50")  # only y's filter prunes, and only it is pushed
    assert "PushedFilters: [y >= 50]" in both._jdf.queryExecution().executedPlan().toString()
    assert sorted((r.x, r.y, r.v) for r in both.collect()) == rows_of(np.isin(x, [0.0, 11.0])[:, None] & (y >= 50))
    agg = both.agg(F.count("*"), F.sum("v"))
    assert agg.collect()[0] == (2 * 5, int(v[np.isin(x, [0.0, 11.0])][:, 5:].sum()))
    assert scan_metrics(agg) == {"chunksRead": 3, "chunksPlanned": 3, "chunksTotal": 6}  # y 50..90: 3 of 3 x 2


def test_v2_array_dimensions_name_the_columns(spark: SparkSession, tmp_path: Path) -> None:
    """xarray writes Zarr v2 dimension names as the ``_ARRAY_DIMENSIONS`` attribute: they name the columns, and the
    coordinate variable ``time`` gives its values."""
    import xarray as xr

    t2m = (np.arange(6 * 4 * 5, dtype="<f4").reshape(6, 4, 5) * 0.5).astype("<f4")
    time = np.arange(6, dtype="<i8") * 6 + 100
    ds = xr.Dataset({"t2m": (("time", "lat", "lon"), t2m)}, coords={"time": time})
    ds["t2m"].encoding.update(chunks=(3, 2, 5))
    ds.to_zarr(str(tmp_path / "v2.zarr"), zarr_format=2, consolidated=False)
    import zarr

    assert zarr.open_array(str(tmp_path / "v2.zarr" / "t2m"), mode="r").attrs["_ARRAY_DIMENSIONS"] == [
        "time", "lat", "lon"]
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "v2.zarr", arrays="t2m")
    assert df.columns == ["time", "lat", "lon", "t2m"]
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["bigint", "bigint", "bigint", "float"]
    assert df.schema["time"].metadata["zarr.coordinate"] == "time"  # values; lat and lon (no variable) are indices
    assert "zarr.coordinate" not in df.schema["lat"].metadata
    want = xr.open_zarr(str(tmp_path / "v2.zarr"), consolidated=False)
    got = np.full(t2m.shape, np.nan, dtype="<f4")
    index = {int(t): i for i, t in enumerate(want["time"].values)}
    rows = df.collect()
    assert len(rows) == t2m.size
    for r in rows:
        got[index[r.time], r.lat, r.lon] = r.t2m
    np.testing.assert_array_equal(got, want["t2m"].values)


def test_streaming_and_writing_are_refused(spark: SparkSession, stores: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(Exception, match="zarr does not support streamed reading"):
        spark.readStream.format("zarr").load(stores["a3"])
    df = zarrjvm.spark.read_zarr(spark, stores["a3"])
    with pytest.raises(zarrjvm.UnsupportedError, match="writing is not supported"):
        with zarrjvm.spark.typed_errors():
            df.write.format("zarr").mode("overwrite").save(str(tmp_path / "out.zarr"))
    with pytest.raises(Exception, match="ErrorIfExists"):
        df.write.format("zarr").save(str(tmp_path / "out2.zarr"))


def test_the_readmes_refusals(spark: SparkSession, stores: dict[str, Any], tmp_path: Path) -> None:
    """README, Spark: recursiveFileLookup, a user schema, PARTITIONED BY, a bad fileSystem and changing the catalog's
    tables are refused, each with its own message; a NetCDF file over HTTP reads (it was refused before)."""
    import netCDF4

    with pytest.raises(Exception, match="recursiveFileLookup is not supported: a store is a directory"):
        spark.read.format("zarr").option("recursiveFileLookup", "true").load(stores["a3"]).collect()
    with pytest.raises(Exception, match="option recursiveFileLookup must be true or false, got 'yes'"):
        spark.read.format("zarr").option("recursiveFileLookup", "yes").load(stores["a3"]).collect()  # strict
    off = spark.read.format("zarr").option("recursiveFileLookup", " FALSE").load(stores["a3"])
    assert off.count() == SHAPE[0] * SHAPE[1]  # case and spaces aside, false is false
    with pytest.raises(Exception, match="the schema is given by the arrays' metadata"):
        spark.read.format("zarr").schema("x INT").load(stores["a3"]).collect()
    with pytest.raises(Exception, match="option fileSystem must be auto, hadoop or zarrjvm, got 'ftp'"):
        spark.read.format("zarr").option("fileSystem", "ftp").load(stores["a3"]).collect()
    with pytest.raises(Exception, match=r"tables are not partitioned \(PARTITIONED BY is not supported\)"):
        spark.sql(f"CREATE TABLE refused_part (dim_0 BIGINT, value INT) USING zarr PARTITIONED BY (dim_0) "
                  f"LOCATION '{stores['a3']}'")
    with pytest.raises(Exception, match="catalog's tables are stores; they cannot be dropped"):
        spark.sql(f"DROP TABLE zarr.`{stores['a3']}`")
    with netCDF4.Dataset(str(tmp_path / "f.nc"), "w") as ds:
        ds.createDimension("x", 4)
        ds.createVariable("v", "i4", ("x",))[:] = [1, 2, 3, 4]
    from remote_servers import RangeHTTPServer

    with netCDF4.Dataset(str(tmp_path / "f.nc")) as ds:
        want = sorted(int(x) for x in ds["v"][:])
    with RangeHTTPServer(tmp_path) as srv:  # a NetCDF file over HTTP reads through zarrjvm's store (range requests)
        rows = zarrjvm.spark.read_zarr(spark, f"{srv.url}/f.nc", arrays=["v"], backend="netcdf-java").collect()
        assert sorted(r.v for r in rows) == want
        assert srv.requests > 0
    rows = zarrjvm.spark.read_zarr(spark, str(tmp_path / "f.nc"), arrays=["v"], backend="netcdf-java").collect()
    assert sorted(r.v for r in rows) == want  # the same file, local


def test_read_zarr_takes_urls_lists_and_options(spark: SparkSession, stores: dict[str, Any]) -> None:
    want = int(stores["data"]["a"].astype(np.int64).sum())
    url = Path(stores["a3"]).as_uri()  # file:///...
    assert zarrjvm.spark.read_zarr(spark, url).agg(F.sum("value")).collect()[0][0] == want
    both = zarrjvm.spark.read_zarr(spark, [stores["a3"], Path(stores["a2"])], chunksPerPartition=5)
    assert both.agg(F.sum("value")).collect()[0][0] == 2 * want
    assert both.rdd.getNumPartitions() == 2 * math.ceil(NCHUNKS / 5)  # a partition never mixes stores


def test_corrupt_chunk_names_store_array_and_chunk(spark: SparkSession, tmp_path: Path) -> None:
    import zarr

    v = np.arange(40 * 16, dtype="<i4").reshape(40, 16)
    z = zarr.create_array(str(tmp_path / "bad.zarr"), shape=v.shape, chunks=(10, 8), dtype="<i4")
    z[:] = v
    (tmp_path / "bad.zarr" / "c" / "2" / "1").write_bytes(b"not zstd at all" * 4)
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "bad.zarr")
    assert df.filter("dim_0 < 20").agg(F.sum("value")).collect()[0][0] == int(v[:20].astype(np.int64).sum())
    # the store, the array (the store itself here) and the chunk, whichever box of chunks the task read
    with pytest.raises(zarrjvm.ChunkDecodeError, match=r"of the array in .*bad\.zarr.*decoding chunk \[2, 1\]") as e:
        with zarrjvm.spark.typed_errors():
            df.agg(F.sum("value")).collect()
    assert "zstd" in str(e.value).lower()
    # an array of a group: named by its path in the group, whatever the reader's own message already names
    g = zarr.open_group(str(tmp_path / "grp.zarr"), mode="w", zarr_format=3)
    g.create_array("temp", shape=v.shape, chunks=(10, 8), dtype="<i4")[:] = v
    (tmp_path / "grp.zarr" / "temp" / "c" / "3" / "0").write_bytes(b"not zstd either" * 4)
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "grp.zarr", arrays="temp", chunksPerPartition=1)
    assert df.filter("dim_0 < 30").agg(F.sum("temp")).collect()[0][0] == int(v[:30].astype(np.int64).sum())
    with pytest.raises(zarrjvm.ChunkDecodeError,
                       match=r"reading chunk \[3, 0\] of array 'temp' in .*grp\.zarr") as e:
        with zarrjvm.spark.typed_errors():
            df.agg(F.sum("temp")).collect()
    assert "zstd" in str(e.value).lower()
    from remote_servers import RangeHTTPServer

    with RangeHTTPServer(tmp_path) as srv:  # the store's own message names the chunk's URL: array and chunk still named
        srv.fail("/grp.zarr/temp/c/0/1", 403)
        df = zarrjvm.spark.read_zarr(spark, f"{srv.url}/grp.zarr", arrays="temp", chunksPerPartition=1)
        with pytest.raises(zarrjvm.StoreError, match=r"reading chunk \[0, 1\] of array 'temp' in http://") as e:
            with zarrjvm.spark.typed_errors():
                df.agg(F.sum("temp")).collect()
    assert "403" in str(e.value)


def test_mask_and_scale_like_netcdf4(spark: SparkSession, tmp_path: Path) -> None:
    import netCDF4

    path = tmp_path / "packed.nc"
    raw = np.arange(-50, 50, dtype="i2").reshape(10, 10)
    raw[3, 4] = raw[7, 7] = -999
    with netCDF4.Dataset(str(path), "w") as ds:
        ds.createDimension("y", 10)
        ds.createDimension("x", 10)
        v = ds.createVariable("p", "i2", ("y", "x"), fill_value=-999)
        v.scale_factor = 0.25
        v.add_offset = 10.0
        v.set_auto_maskandscale(False)
        v[:] = raw
    with netCDF4.Dataset(str(path)) as ds:
        want = ds["p"][:]  # netCDF4 masks and scales by default
    df = zarrjvm.spark.read_zarr(spark, path, arrays="p", backend="netcdf-java", maskAndScale=True)
    assert df.schema["p"].dataType.simpleString() == "double" and df.schema["p"].nullable
    got = np.ma.masked_all((10, 10), dtype="f8")
    for r in df.collect():
        if r.p is not None:
            got[r.y, r.x] = r.p
    assert (got.mask == want.mask).all()
    np.testing.assert_array_equal(got.compressed(), want.compressed())
    raw_df = zarrjvm.spark.read_zarr(spark, path, arrays="p", backend="netcdf-java")  # default: raw values
    assert raw_df.filter("p = -999").count() == 2


def test_a_million_chunks_plan_a_few_partitions(spark: SparkSession, tmp_path: Path) -> None:
    import zarr

    # 10^6 chunks of one element, none written (all fill value): planning is from metadata only
    zarr.create_array(str(tmp_path / "many.zarr"), shape=(1000, 1000), chunks=(1, 1), dtype="<i2", fill_value=7)
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "many.zarr")
    assert df.rdd.getNumPartitions() == 1  # 2 MB of decoded data: below spark.sql.files.openCostInBytes
    q = df.filter("dim_0 BETWEEN 10 AND 12 AND dim_1 < 50")
    assert q.agg(F.sum("value"), F.count("*")).collect()[0] == (7 * 150, 150)
    agg = q.agg(F.sum("value"))
    agg.collect()
    m = scan_metrics(agg)
    assert m["chunksPlanned"] == 150 and m["chunksTotal"] == 10**6


def test_mask_and_scale_like_xarray_on_zarr(spark: SparkSession, tmp_path: Path) -> None:
    import xarray as xr

    raw = np.arange(-60, 60, dtype="i2").reshape(12, 10)
    raw[2, 3] = raw[11, 9] = -32768
    ds = xr.Dataset({"p": (("y", "x"), raw)})
    ds["p"].attrs.update(scale_factor=0.5, add_offset=-3.0)
    ds["p"].encoding.update(_FillValue=-32768, chunks=(5, 4))
    ds.to_zarr(str(tmp_path / "packed.zarr"), zarr_format=3, consolidated=False)
    want = xr.open_zarr(str(tmp_path / "packed.zarr"), consolidated=False)["p"].values  # masked (NaN) and scaled
    df = zarrjvm.spark.read_zarr(spark, tmp_path / "packed.zarr", arrays="p", maskAndScale=True)
    assert df.columns == ["y", "x", "p"]
    got = np.full(raw.shape, np.nan)
    for r in df.collect():
        got[r.y, r.x] = np.nan if r.p is None else r.p
    np.testing.assert_array_equal(got, want)
    assert df.filter("p IS NULL").count() == 2
