# The two commands: `make demo` and `make test` (both set up first). `make setup` is idempotent.
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
MAVEN_PROFILE ?=
export MAVEN_PROFILE
MVN := mvn -q -B $(if $(MAVEN_PROFILE),-P$(MAVEN_PROFILE))
JAVA_SOURCES := $(shell find java -path '*/src/main/*' -type f 2>/dev/null) $(wildcard java/*/pom.xml java/checkstyle.xml)
DEPS_STAMP := $(VENV)/.deps-stamp
JARS_STAMP := zarrjvm/_jars/.stamp
ZARR2_VENV := .venv-zarr2
ZARR2_STAMP := $(ZARR2_VENV)/.stamp
ZARRITA_DIR := zarrjvm/compat/_workers/zarrita
ZARRITA_STAMP := $(ZARRITA_DIR)/node_modules/.stamp
SPARK_DIST_STAMP := $(VENV)/.spark-dist-stamp

.PHONY: setup demo test lint pytest mvn-test test-jdk25 bench corpus clean jars

setup: $(DEPS_STAMP) $(JARS_STAMP) $(VENV)/.install-stamp $(SPARK_DIST_STAMP) $(ZARR2_STAMP) $(ZARRITA_STAMP)

# The compatibility matrix's out-of-process implementations (zarrjvm/compat/workers.py): zarr-python 2 in a venv of its
# own (it cannot share .venv with zarr-python 3) and zarrita run by node, from the committed lock file. Either one
# missing makes that implementation "unavailable" in the matrix, not a failure of setup: no node, no zarrita.
$(ZARR2_STAMP): requirements-zarr2.txt
	$(PYTHON) -m venv $(ZARR2_VENV)
	$(ZARR2_VENV)/bin/python -m pip install -q -r requirements-zarr2.txt
	touch $@
$(ZARRITA_STAMP): $(ZARRITA_DIR)/package.json $(ZARRITA_DIR)/package-lock.json
	@if command -v npm >/dev/null; then cd $(ZARRITA_DIR) && npm ci --no-audit --no-fund --silent && touch node_modules/.stamp; \
	  else echo "setup: no npm, zarrita is unavailable in the compatibility matrix"; fi

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip

$(DEPS_STAMP): requirements-dev.txt | $(VPY)
	$(VPY) -m pip install -q -r requirements-dev.txt
	touch $@

jars: $(JARS_STAMP)
$(JARS_STAMP): java/pom.xml $(JAVA_SOURCES) tools/build_blosc.sh tools/build_deflate.sh tools/native_lib.sh tools/build_jars.sh | $(DEPS_STAMP)
	bash tools/build_jars.sh $(VPY)
	touch $@

$(VENV)/.install-stamp: pyproject.toml setup.py $(JARS_STAMP) | $(DEPS_STAMP)
	$(VPY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

# zarrjvm-spark (spark-dist/): the Spark jar Maven just built, as the distribution zarrjvm's `spark` extra installs
$(SPARK_DIST_STAMP): $(JARS_STAMP) $(wildcard spark-dist/*.toml spark-dist/*.py spark-dist/zarrjvm_spark/*.py) | $(DEPS_STAMP)
	$(VPY) -m pip install -q --no-deps --no-build-isolation ./spark-dist
	touch $@

demo: setup
	$(VPY) -m zarrjvm demo

test: setup lint mvn-test pytest

# ruff (lint) and mypy (types) on the Python side; Java's lint (checkstyle) runs in every Maven build
lint: setup
	$(VENV)/bin/ruff check zarrjvm tests bench tools spark-dist
	$(VENV)/bin/mypy

# JUnit 5 (the architecture test included) and checkstyle, for every module
mvn-test:
	$(MVN) -f java/pom.xml test

pytest: setup
	$(VPY) -m pytest -q tests

# The suite on the newer JDK this machine has (Temurin 25 under /usr/lib/jvm), with the jars built for 17: Maven's tests,
# then pytest without the packaging tests (they do not depend on the JDK) and Spark's (Spark 4.0 runs on Java 17 and 21,
# not 25: Hadoop's Subject.getSubject). .ci/run runs it after make test.
JDK25 := $(firstword $(wildcard /usr/lib/jvm/temurin-25*))
test-jdk25: setup
	@if [ -z "$(JDK25)" ]; then echo "test-jdk25: no JDK 25 under /usr/lib/jvm, skipped"; else \
	  echo "JDK 25: $(JDK25)" && \
	  JAVA_HOME=$(JDK25) MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" $(MVN) -f java/pom.xml test && \
	  JAVA_HOME=$(JDK25) $(VPY) -m pytest -q --ignore=tests/test_packaging.py --ignore-glob='tests/test_spark*.py' tests; fi

bench: setup
	$(VPY) -m bench
	$(VPY) -m bench.xarray_open
	$(VPY) -m bench.decode_modes
	$(VPY) -m bench.small_reads

# the real-file survey: other tools' files from pinned published packages, read by every backend and compared with
# netCDF4-python / h5py / zarr-python (needs the package index; not part of make test)
corpus: setup
	$(VPY) tools/corpus.py

clean:
	rm -rf build java/*/target zarrjvm/_jars spark-dist/build spark-dist/zarrjvm_spark/*.jar $(VENV) $(ZARR2_VENV) $(ZARRITA_DIR)/node_modules .pytest_cache
