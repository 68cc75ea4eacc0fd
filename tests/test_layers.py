"""The import graph is the architecture: no cycle, and no module imports from a layer above its
own (a stage never reaches up into the relations, the graph, the output or the CLI). The
modules that read entities (coref, the relation rules) never write them."""

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
# bottom to top; a module may import from its own layer and the ones below
LAYERS = [
    ("vocabulary and text", "normalise extensions files cache lexicon heads money persons bilstm_crf gold inputs rows"),
    ("segmentation", "segment"),
    ("mentions", "mentions"),
    # the network reads the lexicons' names as features (gazetteer.py)
    ("name finders and the network", "grammar places companies firm_lists park_names gazetteer charnet backends"),
    ("stages", "tag ner hanlp_ner aliases coref"),
    (
        "relations",
        "relations relations.context relations.candidates relations.features relations.classifier "
        "relations.located relations.invests relations.parks relations.rules",
    ),
    ("graph", "graph"),
    ("views of the graph", "view pictures"),
    ("assembly", "pipeline"),  # __init__.py: load() builds the pipeline from default.cfg
    ("output and scoring", "emit publish batch evaluate corpora"),
    ("tools", "embeddings train relations.training build_lexicons cli __main__"),
]
LAYER_OF = {
    (name if name == "pipeline" else f"pipeline.{name}"): rank
    for rank, (_, names) in enumerate(LAYERS)
    for name in names.split()
}
KNOWN_UPWARD: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").relative_to(PACKAGE.parent).parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Module → the package modules it imports, at the top or inside a function."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph.add_edges_from((name, t) for t in targets if t in modules and t != name)
    return graph


def test_every_module_has_a_layer():
    unplaced = sorted(set(import_graph()) - set(LAYER_OF))
    assert not unplaced, f"place these modules in a layer of tests/test_layers.py: {unplaced}"


def test_no_import_cycle():
    graph = import_graph()
    graph.remove_edges_from(KNOWN_UPWARD)
    assert list(nx.simple_cycles(graph)) == []


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [
        f"{a} ({LAYERS[LAYER_OF[a]][0]}) imports {b} ({LAYERS[LAYER_OF[b]][0]})"
        for a, b in import_graph().edges
        if LAYER_OF[b] > LAYER_OF[a] and (a, b) not in KNOWN_UPWARD
    ]
    assert upward == []


def writes_entities(path: Path) -> list[int]:
    """Lines of ``path`` that assign ``doc.ents`` or call a function that does."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Attribute) and t.attr == "ents" for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"set_entities", "write_mentions"}:
            lines.append(node.lineno)
    return lines


def test_coref_and_the_relation_rules_only_read_entities():
    readers = [PACKAGE / "coref.py", *(PACKAGE / "relations").glob("*.py")]
    readers.remove(PACKAGE / "relations" / "training.py")  # builds gold documents' entities to train on
    assert {p.name: writes_entities(p) for p in readers if writes_entities(p)} == {}
