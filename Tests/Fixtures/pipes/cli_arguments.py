# Reads its bootstrap from command-line arguments, as a spark-submit job in cluster mode does.
from dagster_pipes import PipesCliArgsParamsLoader, open_dagster_pipes

with open_dagster_pipes(params_loader=PipesCliArgsParamsLoader()) as pipes:
    pipes.report_asset_materialization(metadata={"bootstrap": "arguments"})
