"""The DataSource ``zarr`` on separate executor JVMs (``local-cluster[2,1,1024]``): what a Spark data engineer's data
lives on — local paths (relative ones included), Hadoop's FileSystem, HTTP and S3 on loopback servers — read with
named dimensions and coordinate columns, a glob of stores with the source column, a group as a table, and a NetCDF
variable split into row ranges. Every value is checked against zarr-python / netCDF4.

One SparkSession for the module; the servers run on 127.0.0.1 only and stop with the test.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from remote_servers import RangeHTTPServer, moto_s3
from test_spark import scan_metrics

import zarrjvm.spark

SHAPE = (12, 10, 14)  # time, lat, lon
TEMP_CHUNKS = (4, 5, 7)
PRECIP_CHUNKS = (8, 10, 14)  # another grid: boxes aligned with both


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # master, workers, executors and driver talk over loopback only
    s = (SparkSession.builder.master("local-cluster[2,1,1024]").appName("zarrjvm-cluster-tests")
         .config("spark.jars", ",".join(zarrjvm.spark.jars()))
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "1g")
         .config("spark.driver.host", "127.0.0.1")
         .config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.shuffle.partitions", "2")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A v3 group with dimension names and 1-D coordinates (time increasing int64, lat decreasing float32, lon
    increasing float64), two data arrays on different chunk grids, three stores of one shape family for a glob, and a
    NetCDF file with a contiguous variable. Written by zarr-python and netCDF4."""
    import netCDF4
    import zarr

    root = tmp_path_factory.mktemp("cluster")
    rng = np.random.default_rng(15)
    coords = {"time": np.arange(SHAPE[0], dtype="<i8") * 24 + 1000,
              "lat": np.linspace(45.0, -45.0, SHAPE[1]).astype("<f4"),
              "lon": np.linspace(-170.0, 170.0, SHAPE[2]).astype("<f8")}
    arrays = {"temp": rng.standard_normal(SHAPE).astype("<f4"),
              "precip": rng.integers(-300, 300, SHAPE).astype("<i2")}
    g = zarr.open_group(str(root / "cube.zarr"), mode="w", zarr_format=3)
    for name, v in coords.items():
        g.create_array(name, shape=v.shape, chunks=v.shape, dtype=v.dtype, dimension_names=[name])[:] = v
    dims = ["time", "lat", "lon"]
    g.create_array("temp", shape=SHAPE, chunks=TEMP_CHUNKS, dtype="<f4", dimension_names=dims)[:] = arrays["temp"]
    g.create_array("precip", shape=SHAPE, chunks=PRECIP_CHUNKS, dtype="<i2",
                   dimension_names=dims)[:] = arrays["precip"]

    parts = root / "parts"
    parts.mkdir()
    part_values = {}
    for k, rows in enumerate((5, 9, 3)):
        v = (np.arange(rows * 6).reshape(rows, 6) + 1000 * k).astype("<i4")
        z = zarr.create_array(str(parts / f"part-{k}.zarr"), shape=v.shape, chunks=(2, 4), dtype="<i4",
                              zarr_format=3)
        z[:] = v
        part_values[f"part-{k}.zarr"] = v
    (parts / "notes.zarr").mkdir()  # matches the glob, not the filter below

    nc = root / "series.nc"
    series = rng.standard_normal((200, 50))
    with netCDF4.Dataset(str(nc), "w", format="NETCDF4") as ds:
        ds.createDimension("t", 200)
        ds.createDimension("x", 50)
        t = ds.createVariable("t", "f8", ("t",))
        t[:] = np.arange(200) * 0.5
        v = ds.createVariable("v", "f8", ("t", "x"), contiguous=True)
        v[:] = series
    return {"root": root, "cube": root / "cube.zarr", "coords": coords, "arrays": arrays, "parts": parts,
            "part_values": part_values, "nc": nc, "series": series}


def cube_frame(df: DataFrame, names: list[str], coords: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns of ``df`` as arrays of the cube's shape, each row placed by its coordinate values; ``seen`` counts the
    rows that landed on each element."""
    index = {dim: {float(v): i for i, v in enumerate(coords[dim])} for dim in ("time", "lat", "lon")}
    out = {n: np.zeros(SHAPE, dtype=np.float64) for n in names}
    seen = np.zeros(SHAPE, dtype=np.int64)
    for r in df.collect():
        idx = (index["time"][float(r["time"])], index["lat"][float(r["lat"])], index["lon"][float(r["lon"])])
        seen[idx] += 1
        for n in names:
            out[n][idx] = r[n]
    return {**out, "seen": seen}


def test_group_table_relative_path_coordinates_and_hadoop_fs(spark: SparkSession, data: dict[str, Any]) -> None:
    rel = os.path.relpath(data["cube"])  # the driver JVM's working directory is this process's
    df = spark.read.format("zarr").load(rel)
    assert df.columns == ["time", "lat", "lon", "precip", "temp"]
    assert [df.schema[c].dataType.simpleString() for c in df.columns] == ["bigint", "float", "double", "smallint",
                                                                          "float"]
    got = cube_frame(df, ["precip", "temp"], data["coords"])
    assert np.all(got["seen"] == 1)
    np.testing.assert_array_equal(got["temp"], data["arrays"]["temp"].astype(np.float64))
    np.testing.assert_array_equal(got["precip"], data["arrays"]["precip"].astype(np.float64))
    q = df.agg(F.sum("temp"), F.sum("precip"))
    q.collect()
    m = scan_metrics(q)
    temp_chunks = math.prod(math.ceil(s / c) for s, c in zip(SHAPE, TEMP_CHUNKS))
    precip_chunks = math.prod(math.ceil(s / c) for s, c in zip(SHAPE, PRECIP_CHUNKS))
    assert m["chunksRead"] == temp_chunks + precip_chunks  # each chunk of each array decoded once

    # filters on coordinates become index ranges: lat decreasing float32, time int64, lon float64
    lat, lon, time = data["coords"]["lat"], data["coords"]["lon"], data["coords"]["time"]
    cond = "lat BETWEEN -10 AND 30 AND time >= 1100 AND lon < 0"
    sel = df.filter(cond).select("time", "lat", "lon", "temp")
    rows = sel.collect()
    ti, la, lo = np.nonzero((time[:, None, None] >= 1100) & (lat[None, :, None] >= -10) & (lat[None, :, None] <= 30)
                            & (lon[None, None, :] < 0))
    want = sorted(zip(time[ti].tolist(), lat[la].tolist(), lon[lo].tolist(),
                      data["arrays"]["temp"][ti, la, lo].tolist()))
    assert sorted((r.time, r.lat, r.lon, r.temp) for r in rows) == want
    plan = sel._jdf.queryExecution().executedPlan().toString()
    assert "lat >= " in plan and "time >= 1100" in plan  # reported as pushed: they prune
    sel.collect()
    m = scan_metrics(sel)
    # only temp's chunks that hold a selected row are decoded
    hit = {(a // TEMP_CHUNKS[0], b // TEMP_CHUNKS[1], c // TEMP_CHUNKS[2]) for a, b, c in zip(ti, la, lo)}
    assert m["chunksRead"] == len(hit) < temp_chunks

    # a catalog table on the store, read by the executors
    spark.sql(f"CREATE TABLE cube_t USING zarr OPTIONS (arrays 'temp') LOCATION '{data['cube']}'")
    try:
        row = spark.sql("SELECT count(*) AS n, sum(temp) AS s FROM cube_t WHERE lon > 0").collect()[0]
        assert row.n == int((lon > 0).sum()) * SHAPE[0] * SHAPE[1]
        assert row.s == pytest.approx(float(data["arrays"]["temp"][:, :, lon > 0].astype(np.float64).sum()),
                                      rel=1e-9)
    finally:
        spark.sql("DROP TABLE IF EXISTS cube_t")

    # the same store through Hadoop's FileSystem (file: URL): same values
    via_hadoop = spark.read.format("zarr").option("fileSystem", "hadoop").option("arrays", "temp") \
        .load(data["cube"].as_uri())
    total = via_hadoop.agg(F.sum("temp")).collect()[0][0]
    assert total == pytest.approx(float(data["arrays"]["temp"].astype(np.float64).sum()), rel=1e-9)
    paths = {r.file_path for r in via_hadoop.select("_metadata.file_path").distinct().collect()}
    assert paths == {data["cube"].as_uri().replace("file:///", "file:/")}


def test_glob_of_stores_with_source_column(spark: SparkSession, data: dict[str, Any]) -> None:
    df = zarrjvm.spark.read_zarr(spark, str(data["parts"] / "part-*.zarr"))
    by_store = df.groupBy("_metadata.file_name").agg(F.sum("value").alias("s"), F.count("*").alias("n"),
                                                     F.max("dim_0").alias("rows"))
    got = {r.file_name: (r.s, r.n, r.rows) for r in by_store.collect()}
    want = {name: (int(v.astype(np.int64).sum()), v.size, v.shape[0] - 1) for name, v in data["part_values"].items()}
    assert got == want
    # element-wise, with the full path of each row's store
    rows = df.select("_metadata.file_path", "dim_0", "dim_1", "value").collect()
    for r in rows:
        v = data["part_values"][Path(r.file_path).name]
        assert v[r.dim_0, r.dim_1] == r.value
    assert len(rows) == sum(v.size for v in data["part_values"].values())
    names = {Path(r[0]).name for r in df.select(F.input_file_name()).distinct().collect()}
    assert names == set(data["part_values"])
    # pathGlobFilter keeps some of what the glob matched; a glob may also match nothing
    two = zarrjvm.spark.read_zarr(spark, str(data["parts"] / "*.zarr"), pathGlobFilter="part-[01].zarr")
    assert two.count() == data["part_values"]["part-0.zarr"].size + data["part_values"]["part-1.zarr"].size
    with pytest.raises(zarrjvm.ArrayNotFoundError, match="no store matches"):
        zarrjvm.spark.read_zarr(spark, str(data["parts"] / "nothing-*.zarr"))


def test_netcdf_contiguous_variable_in_row_ranges(spark: SparkSession, data: dict[str, Any]) -> None:
    series = data["series"]
    df = zarrjvm.spark.read_zarr(spark, data["nc"], arrays="v", backend="netcdf-java", maxPartitionBytes=16384)
    assert df.columns == ["t", "x", "v"]
    assert df.rdd.getNumPartitions() == math.ceil(series.nbytes / 16384)  # one 80 KB chunk cut into row ranges
    rows = df.collect()
    got = np.full(series.shape, np.nan)
    for r in rows:
        got[int(round(r.t * 2)), r.x] = r.v
    np.testing.assert_array_equal(got, series)
    sel = df.filter("t >= 20 AND t < 30")  # a coordinate (0.5 steps): rows 40..59
    assert sel.agg(F.sum("v")).collect()[0][0] == pytest.approx(float(series[40:60].sum()), rel=1e-12)
    assert sel.rdd.getNumPartitions() == 1


def test_http_store_about_one_request_per_chunk(spark: SparkSession, data: dict[str, Any]) -> None:
    temp = data["arrays"]["temp"]
    nchunks = math.prod(math.ceil(s / c) for s, c in zip(SHAPE, TEMP_CHUNKS))
    with RangeHTTPServer(data["root"]) as srv:
        url = f"{srv.url}/cube.zarr/temp"
        df = zarrjvm.spark.read_zarr(spark, url, maxPartitionBytes=4 * 5 * 7 * 4 * 3)  # 3 chunks a task: 4 tasks
        planned = srv.requests  # metadata, on the driver, once
        planned_paths = [p for _, p, _, _ in srv.log()]
        srv.reset()
        total = df.agg(F.sum("value")).collect()[0][0]
        on_executors = srv.requests
        executor_paths = [p for _, p, _, _ in srv.log()]
        assert not srv.overflow
    assert df.rdd.getNumPartitions() == 4
    assert total == pytest.approx(float(temp.astype(np.float64).sum()), rel=1e-9)
    assert on_executors == nchunks, f"{on_executors} requests for {nchunks} chunks (metadata was shipped)"
    # the driver read metadata documents only (no chunk), a constant per store, not per task or chunk; the tasks
    # read chunks only (the metadata travelled in the partitions)
    metadata = {"zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata"}
    assert all(p.rsplit("/", 1)[-1] in metadata for p in planned_paths), planned_paths
    assert len(planned_paths) == planned == 3, planned_paths  # README: "planning 3 requests per store"
    assert all(p.startswith("/cube.zarr/temp/c/") for p in executor_paths), executor_paths
    assert len(set(executor_paths)) == nchunks


def test_no_data_chunk_is_decoded_on_the_driver(spark: SparkSession, tmp_path: Path) -> None:
    """The executors are other JVMs here. Planning, reading and summing an array of 1 MiB chunks: the driver JVM's
    zarrjvm allocator never held as much as one chunk (its peak is the most it ever held: 1-D coordinate variables of
    other tests' groups, a few KiB), and holds nothing now, so no chunk was decoded on the driver. (Over HTTP,
    test_http_store_about_one_request_per_chunk sees the driver request metadata documents only.)"""
    import zarr

    values = np.arange(1024 * 512, dtype="<f4").reshape(1024, 512) % 1000
    zarr.create_array(str(tmp_path / "big.zarr"), shape=values.shape, chunks=(512, 512), dtype="<f4")[:] = values
    chunk_bytes = 512 * 512 * 4
    root = spark._jvm.dev.zarrjvm.arrow.ArrowMemory.root()
    assert int(root.getPeakMemoryAllocation()) < chunk_bytes
    df = zarrjvm.spark.read_zarr(spark, str(tmp_path / "big.zarr"), chunksPerPartition=1)
    total = df.agg(F.sum("value"), F.count("*")).collect()[0]
    assert total[1] == values.size and total[0] == float(values.astype(np.float64).sum())
    assert df.rdd.getNumPartitions() == 2  # the two chunks were read by tasks, on the executors
    assert int(root.getPeakMemoryAllocation()) < chunk_bytes
    assert int(root.getAllocatedMemory()) == 0


def test_s3_store_with_options_or_s3a_settings(spark: SparkSession, data: dict[str, Any]) -> None:
    temp = data["arrays"]["temp"]
    want = float(temp.astype(np.float64).sum())
    with moto_s3(data["cube"], "cube") as s3:
        so = s3["storage_options"]
        df = zarrjvm.spark.read_zarr(spark, "s3://cube/temp", storageOptions=so)
        # the array's dimension_names name the columns; the array alone is no group, so they are indices (bigint)
        assert df.columns == ["time", "lat", "lon", "value"]
        assert [f.dataType.simpleString() for f in df.schema.fields] == ["bigint", "bigint", "bigint", "float"]
        rows = df.collect()
        assert len(rows) == temp.size
        got = np.zeros(SHAPE, dtype=np.float32)
        for r in rows:
            got[r.time, r.lat, r.lon] = r.value
        np.testing.assert_array_equal(got, temp)
        # the S3A settings a Spark user already has (here as fs.* options of the read)
        via_s3a = (spark.read.format("zarr").option("fs.s3a.endpoint", so["endpoint_url"])
                   .option("fs.s3a.access.key", so["key"]).option("fs.s3a.secret.key", so["secret"])
                   .option("fs.s3a.endpoint.region", so["region"]).load("s3://cube/temp"))
        assert via_s3a.agg(F.sum("value")).collect()[0][0] == pytest.approx(want, rel=1e-9)
        with pytest.raises(zarrjvm.ArrayNotFoundError, match="s3://cube/nope"):
            zarrjvm.spark.read_zarr(spark, "s3://cube/nope", storageOptions=json.loads(json.dumps(so)))
