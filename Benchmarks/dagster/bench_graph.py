"""The graphs Cairn's benchmarks build, as Dagster assets: the same names, groups and dependencies.

Shared by bench.py and the definitions modules that `dagster dev` / `dagster-daemon` load.
"""

import dagster as dg

MASK64 = (1 << 64) - 1


class SplitMix64:
    """The deterministic generator of Cairn's benchmarks (Benchmarks/CairnBenchmarks), so both
    sides build the same random graph."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def random_dag_shape(size: int, seed: int = 42) -> list:
    """For each index, the sorted parent indices: none for index 0, else the set of two draws
    `next() % index`, drawn in index order."""
    generator = SplitMix64(seed)
    shape = []
    for index in range(size):
        if index == 0:
            shape.append([])
        else:
            first = generator.next() % index
            second = generator.next() % index
            shape.append(sorted({first, second}))
    return shape


def _random_dag_asset(index: int, parents: list) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"asset_{index}",
        group_name=f"group_{index % 20}",
        deps=[f"asset_{parent}" for parent in parents],
    )
    def body():
        return index

    return body


def random_dag_assets(size: int = 10_000) -> list:
    """`asset_<index>` in group `group_<index % 20>`, with non-argument deps on its parents; its
    body returns its index."""
    return [_random_dag_asset(index, parents) for index, parents in enumerate(random_dag_shape(size))]


def _chain_link(index: int) -> dg.AssetsDefinition:
    previous = f"chain_{index - 1}"

    @dg.asset(name=f"chain_{index}", ins={"previous": dg.AssetIn(previous)})
    def link(previous):
        return previous + 1

    return link


def chain_assets(count: int) -> list:
    """`chain_0` returns 0; `chain_i` takes `chain_{i-1}` as its input and returns it + 1."""

    @dg.asset(name="chain_0")
    def first():
        return 0

    return [first] + [_chain_link(index) for index in range(1, count)]


def _wide_leaf(index: int) -> dg.AssetsDefinition:
    @dg.asset(name=f"wide_{index}", ins={"root": dg.AssetIn("wide_root")})
    def leaf(root):
        return root + index

    return leaf


def wide_assets(count: int) -> list:
    """`wide_root` returns 1; `wide_i` (1 ≤ i < count) takes `wide_root` and returns it + i."""

    @dg.asset(name="wide_root")
    def root():
        return 1

    return [root] + [_wide_leaf(index) for index in range(1, count)]
