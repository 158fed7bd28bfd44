#!/usr/bin/env python3
"""A reference batch ranker for Marquee: a PySpark job (local mode) that
trains MLlib's ALS on `marquee export events` and writes the Parquet scores
table `marquee --ranker-file` reads (user, title, score).

    marquee export events --format parquet --out events.parquet
    python3 examples/spark-als/train.py events.parquet scores.parquet
    marquee --ranker-file scores.parquet rows --profile ava

Users and titles are indexed for ALS with StringIndexer and mapped back,
so the table names them as Marquee does. recommendForAllUsers' nested
recommendations are exploded to one row per (user, title, score). Spark
writes a folder of part files; the job gathers them into one Parquet file.

Needs pyspark (pip install pyspark) and a Java runtime.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", help="`marquee export events --format parquet` output")
    ap.add_argument("scores", help="the Parquet scores file to write")
    ap.add_argument("--top", type=int, default=200, help="titles scored per user")
    ap.add_argument("--rank", type=int, default=32)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--alpha", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    from pyspark.ml.feature import IndexToString, StringIndexer
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    started = time.time()
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("marquee-spark-als")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    events = spark.read.parquet(a.events)
    weight = (
        F.when(F.col("action") == "play", F.col("progress"))
        .when(F.col("action") == "up", F.lit(2.0))
        .when(F.col("action") == "love", F.lit(3.0))
        .when(F.col("action") == "list-add", F.lit(0.5))
        .otherwise(F.lit(0.0))
    )
    downs = events.filter(F.col("action") == "down").select("user", "title").distinct()
    conf = (
        events.withColumn("w", weight)
        .groupBy("user", "title")
        .agg(F.sum("w").alias("confidence"))
        .join(downs, ["user", "title"], "left_anti")
        .filter(F.col("confidence") > 0)
    )
    users = StringIndexer(inputCol="user", outputCol="u").fit(conf)
    titles = StringIndexer(inputCol="title", outputCol="i").fit(conf)
    data = titles.transform(users.transform(conf)).select(
        F.col("u").cast("int"), F.col("i").cast("int"), "confidence"
    )
    data.cache()
    n = data.count()
    als = ALS(
        rank=a.rank,
        maxIter=a.iterations,
        regParam=0.05,
        alpha=a.alpha,
        implicitPrefs=True,
        userCol="u",
        itemCol="i",
        ratingCol="confidence",
        seed=a.seed,
        coldStartStrategy="drop",
    )
    fit_started = time.time()
    model = als.fit(data)
    fit_seconds = time.time() - fit_started
    recs = model.recommendForAllUsers(a.top)
    flat = recs.select("u", F.explode("recommendations").alias("r")).select(
        "u", F.col("r.i").alias("i"), F.col("r.rating").alias("score")
    )
    back_u = IndexToString(inputCol="ud", outputCol="user", labels=users.labels)
    back_i = IndexToString(inputCol="id", outputCol="title", labels=titles.labels)
    flat = flat.withColumn("ud", F.col("u").cast("double")).withColumn("id", F.col("i").cast("double"))
    scores = back_i.transform(back_u.transform(flat)).select(
        "user", "title", F.col("score").cast("double")
    )
    tmp = tempfile.mkdtemp(prefix="marquee-spark-")
    try:
        scores.coalesce(1).write.mode("overwrite").parquet(os.path.join(tmp, "out"))
        part = [f for f in os.listdir(os.path.join(tmp, "out")) if f.endswith(".parquet")]
        if len(part) != 1:
            sys.exit(f"expected one part file, found {part}")
        rows = spark.read.parquet(os.path.join(tmp, "out")).count()
        shutil.move(os.path.join(tmp, "out", part[0]), a.scores)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"spark ALS: {users.labels.__len__()} users, {len(titles.labels)} titles, {n} positives; "
        f"fit in {fit_seconds:.1f} s; {rows} scores written to {a.scores} in {time.time() - started:.1f} s total"
    )
    spark.stop()


if __name__ == "__main__":
    main()
