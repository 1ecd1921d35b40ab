"""Builds the people table with Spark, keeps those over the minimum age, writes it as Parquet and
reports row count, schema and path, and the no_minors check, to Cairn over Dagster Pipes.

Run by `spark-submit --master local[2] jobs/people.py`; unmodified, it runs under Dagster too."""
from dagster_pipes import open_dagster_pipes
from pyspark.sql import Row, SparkSession
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

with open_dagster_pipes() as pipes:
    min_age = int(pipes.get_extra("min_age"))
    output = pipes.get_extra("output")
    spark = SparkSession.builder.appName("people_over_50").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try:
        schema = StructType([StructField("name", StringType()), StructField("age", IntegerType())])
        rows = [
            Row(name="Thom", age=51), Row(name="Jonny", age=48), Row(name="Nigel", age=49),
            Row(name="Colin", age=52), Row(name="Ed", age=53), Row(name="Philip", age=58),
        ]
        people = spark.createDataFrame(rows, schema)
        over = people.filter(people["age"] > min_age)
        over.write.mode("overwrite").parquet(output)
        count = over.count()
        youngest = over.agg({"age": "min"}).collect()[0][0]
        pipes.log.info(f"{count} of {people.count()} people are over {min_age}")
        pipes.report_asset_materialization(
            metadata={
                "row_count": count,
                "path": {"raw_value": output, "type": "path"},
                "schema": {
                    "raw_value": {"columns": [{"name": f.name, "type": f.dataType.simpleString()} for f in over.schema.fields]},
                    "type": "table_schema",
                },
                "min_age": min_age,
            }
        )
        pipes.report_asset_check(
            check_name="no_minors",
            passed=youngest is None or youngest >= 18,
            metadata={"youngest": youngest if youngest is not None else -1},
        )
    finally:
        spark.stop()
