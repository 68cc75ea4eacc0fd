"""The command line: ``parkgraph extract | show | evaluate | train | graph``.

Exit codes: 0 success; 1 some documents failed or the run stopped (extract; the tables keep what
was done), an entity was not found (graph) or a threshold was missed (evaluate --min-f1); 2 usage
error (bad option, missing input, an output folder that is a file, malformed gold file).
"""

from __future__ import annotations

import contextvars
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import NER_CHOICES
from .inputs import STDIN

EXIT_CODES = "Exit codes: 0 success; 1 some documents failed or a threshold was missed; 2 usage error."
app = typer.Typer(
    help=f"Organisations, parks, places and money from Chinese news, and the company–park graph.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help text is plain: rich markup would eat "pip install 'parkgraph[train]'"
)
graph_app = typer.Typer(
    help="Inspect the relation graph of an output folder.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(graph_app, name="graph")
train_app = typer.Typer(
    help="Train the shipped models: the NER tagger and the relation classifier.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(train_app, name="train")
console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` as one error line (never wrapped) and return the exit to raise; a
    command run with ``--json`` also prints it on stdout as ``{"error": …, "exit_code": …}``, so a
    script reading stdout learns why there is no result."""
    console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    if JSON_ERRORS.get():
        print(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    return typer.Exit(code)


# whether the running command was given --json (each such command sets it first)
JSON_ERRORS: contextvars.ContextVar[bool] = contextvars.ContextVar("json_errors", default=False)


@app.callback()
def _each_command() -> None:
    JSON_ERRORS.set(False)  # one invocation's --json never carries over to the next in one process


def _check_ner(ner: str, prefer: str | None) -> None:
    from .backends import ner_problem

    if problem := ner_problem(ner):
        raise fail(f"--ner: {problem}")
    if prefer not in {None, "model", "rules"}:
        raise fail(f"--prefer {prefer!r}: choose model or rules")


def run_extract(inputs: list[Path], out: Path, quiet: bool = False, **options):
    """``batch.extract`` with a progress bar; a run that cannot start, stops or is terminated ends
    the command with one line: exit 2 (usage: nothing in ``out`` changed), 1 (the run stopped:
    the tables keep what was done, no graph is built) or 143 (SIGTERM)."""
    from .batch import Terminated, UsageError, extract

    progress = Progress(
        TextColumn("[bold]extract"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[doc]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        # the first documents come back after the pipeline loads (seconds): say so meanwhile
        task = progress.add_task("extract", total=None, doc="loading the pipeline…")
        try:
            return extract(
                inputs,
                out,
                on_document=lambda row: progress.update(task, advance=1, doc=row["doc_id"]),
                on_warning=lambda message: quiet or console.print(f"[yellow]warning:[/yellow] {escape(message)}"),
                **options,
            )
        except UsageError as error:
            progress.stop()
            raise fail(str(error)) from None
        except Terminated:
            progress.stop()
            console.print("[red]terminated[/red]: workers stopped; --resume continues from here")
            raise typer.Exit(128 + 15) from None
        except KeyboardInterrupt:
            progress.stop()
            console.print("[red]interrupted[/red]: workers stopped; --resume continues from here")
            raise typer.Exit(128 + 2) from None
        except Exception as error:  # noqa: BLE001  (one line, not a traceback: the tables say how far it got)
            progress.stop()
            raise fail(
                f"the run stopped: {type(error).__name__}: {error}. {out}/ keeps the tables of the documents "
                "done so far and no graph or summary; --resume continues",
                1,
            ) from None


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help=".txt/.md/.html files, folders (recursive), .jsonl files (one {'text','doc_id'} a line), "
            "or - for standard input (JSON lines if one of its first lines is a JSON object, else one text).",
            # an unreadable file gets its error row and the others go on, as inside a folder
            readable=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Output folder: documents/entities/relations.jsonl, graph.graphml, graph.json, summary.md.",
        ),
    ] = Path("out"),
    min_confidence: Annotated[
        float, typer.Option(help="Drop relations less confident than this (0–1); the section fallback scores 0.5.")
    ] = 0.0,
    ner: Annotated[str, typer.Option(help=f"Statistical tagger: {NER_CHOICES}.")] = "model",
    relations: Annotated[
        str, typer.Option(help="Relation classifier: relations (the shipped models/relations), PATH, or none (rules).")
    ] = "relations",
    prefer: Annotated[
        str | None, typer.Option(help="model or rules: which wins where they disagree (default: as measured best).")
    ] = None,
    fmt: Annotated[
        list[str], typer.Option("--format", help="Also write the tables as csv or parquet (repeatable).")
    ] = [],  # noqa: B006
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Worker processes (default: all cores); same output as 1.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="local (processes on this machine) or dask (a Dask cluster, see --scheduler).")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786); default: a LocalCluster.")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Skip documents already done in --out (same doc_id and content); redo the rest.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's counts as JSON on stdout.")] = False,
) -> None:
    """Extract entities and relations from INPUTS into an output folder.

    The tables are always JSON Lines (documents, entities, relations); --format adds CSV or
    Parquet copies with the same columns. A document that cannot be read or parsed gets a row
    with status "error" and the reason in documents.jsonl; the batch goes on.

    Examples:

      parkgraph extract seeds/*.txt --out out/

      parkgraph extract archive/ --out out/ --workers 2 --resume --format parquet

      parkgraph extract archive/ --out out/ --engine dask --scheduler tcp://10.0.0.5:8786
    """
    JSON_ERRORS.set(as_json)
    if engine not in {"local", "dask"}:
        raise fail(f"--engine {engine!r}: choose local or dask")
    bad = [f for f in fmt if f not in {"csv", "parquet"}]
    if bad:
        raise fail(f"--format {', '.join(bad)}: choose csv or parquet")
    _check_ner(ner, prefer)
    files = [p for p in inputs if str(p) != STDIN]
    missing = [str(p) for p in files if not p.exists() and not p.is_symlink()]
    if missing:
        raise fail(f"no such input: {', '.join(missing)}")
    existing = next(p for p in [out, *out.absolute().parents] if p.exists())
    if not existing.is_dir():
        raise fail(f"--out {out}: {existing} is a file, not a folder")
    # the output folder is never input: naming something inside it is a mistake, not a wish
    inside = [str(p) for p in files if out.resolve() == p.resolve() or out.resolve() in p.resolve().parents]
    if inside:
        raise fail(f"input {', '.join(inside)} lies inside the output folder {out}")
    result = run_extract(
        inputs,
        out,
        quiet,
        ner=ner,
        prefer=prefer,
        min_confidence=min_confidence,
        relations=relations,
        formats=tuple(fmt),
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        resume=resume,
    )
    if as_json:  # one JSON object on stdout, failed documents included: no error object after it
        print(json.dumps({**result.__dict__, "out": str(out)}))
        JSON_ERRORS.set(False)
    elif not quiet:
        print((out / "summary.md").read_text(encoding="utf-8"))
    if not quiet:
        skipped = f", {result.skipped} already done" if result.skipped else ""
        console.print(f"{result.documents} documents, {result.chars} characters{skipped} → {out}/ (open graph.html)")
    if result.failed:
        raise fail(f"{result.failed} document(s) failed: see {out}/documents.jsonl", 1)


@app.command()
def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="Gold file: our JSONL (ANNOTATION.md) or a public corpus, see --format.")
    ],
    predictions: Annotated[
        Path | None, typer.Argument(help="Output folder to score; omitted: run the pipeline on the gold texts.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl (ours), cluener, bio (MSRA, People's Daily; FILE.tar.gz::MEMBER reads "
            "inside an archive), bmes (Resume) or conll (Weibo).",
        ),
    ] = "jsonl",
    label_map: Annotated[
        Path | None,
        typer.Option(
            help='JSON {"gold": {corpus label: ours}, "predictions": {ours: scored as}} replacing the '
            "built-in map of --format."
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write evaluation.md and evaluation.json into this folder.")
    ] = None,
    ner: Annotated[str, typer.Option(help=f"Statistical tagger: {NER_CHOICES}.")] = "model",
    relations: Annotated[
        str, typer.Option(help="Relation classifier: relations (the shipped models/relations), PATH, or none (rules).")
    ] = "relations",
    prefer: Annotated[
        str | None, typer.Option(help="model or rules: which wins where they disagree (default: as measured best).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report instead of Markdown.")] = False,
    min_f1: Annotated[float, typer.Option(help="Exit 1 when entity or relation micro F1 is below this.")] = 0.0,
) -> None:
    """Score predictions against gold: strict and boundary-only entity P/R/F1 per label, relation
    P/R/F1 per type, and the errors with their context.

    Examples:

      parkgraph evaluate seeds/gold/seed.jsonl

      parkgraph evaluate ../shared/data/msra_ner/msra.tar.gz::test --format bio --report reports/msra
    """
    JSON_ERRORS.set(as_json)
    _check_ner(ner, prefer)
    if report is not None and report.exists() and not report.is_dir():
        raise fail(f"--report {report} is a file, not a folder")
    from . import corpora
    from .evaluate import evaluate as score_folder
    from .evaluate import predict, score, to_markdown
    from .gold import GoldError

    try:
        gold_map, prediction_map = corpora.GOLD_LABELS.get(fmt), corpora.PREDICTION_LABELS.get(fmt, {})
        if label_map is not None:
            maps = json.loads(label_map.read_text(encoding="utf-8"))
            gold_map, prediction_map = maps.get("gold", gold_map), maps.get("predictions", prediction_map)
        documents = corpora.read_corpus(gold, fmt, gold_map)
    except (GoldError, OSError, json.JSONDecodeError) as error:
        raise fail(f"{error}") from error
    labels = set(gold_map.values()) if gold_map else None
    if predictions is None:
        result = score(documents, predict(documents, ner, prefer, relations), prediction_map, labels)
        title = f"Evaluation of the pipeline on {gold}"
    elif not (predictions / "entities.jsonl").exists():
        raise fail(f"{predictions} is not an output folder (no entities.jsonl)")
    else:
        result = score_folder(documents, predictions, prediction_labels=prediction_map, labels=labels)
        title = f"Evaluation of {predictions} against {gold}"
    markdown, data = to_markdown(result, title), result.as_dict()
    if report:
        try:
            report.mkdir(parents=True, exist_ok=True)
            (report / "evaluation.md").write_text(markdown, encoding="utf-8")
            (report / "evaluation.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        except OSError as error:
            raise fail(f"--report {report}: cannot write ({error.strerror or error})") from None
    print(json.dumps(data, ensure_ascii=False, indent=1) if as_json else markdown)
    entity_f1 = data["entities"]["micro" if fmt == "jsonl" else "micro_all_labels"]["f1"]
    relation_f1 = data["relations"]["micro"]["f1"] if fmt == "jsonl" else 1.0
    if min(entity_f1, relation_f1) < min_f1:
        raise typer.Exit(1)


def _corpora(layout: str):
    """The corpora folder argument of a training command, naming what it reads there."""
    return Annotated[Path, typer.Argument(help=f"Corpora folder laid out as ../shared/data: {layout}.")]


@train_app.command("ner")
def train_ner(
    corpora: _corpora("msra_ner/msra.tar.gz, cluener2020/train.json") = Path("../shared/data"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Where the trained model goes.")] = Path("models/ner"),
    seed: Annotated[int, typer.Option(help="Seeds the dev split and the training.")] = 0,
    exclude: Annotated[
        list[Path] | None,
        typer.Option(help="Gold JSONL whose texts are never trained on (repeatable; default: every gold file)."),
    ] = None,
    silver: Annotated[
        list[Path] | None,
        typer.Option(help="Training documents with the project's labels (repeatable; default: the silver corpus)."),
    ] = None,
    init: Annotated[Path | None, typer.Option(help="A model folder to continue from (its vocabulary is kept).")] = None,
    embeddings: Annotated[
        Path | None,
        typer.Option(
            help="Pretrained character and bigram vectors (from `parkgraph train embeddings`) for a model trained "
            "from scratch: its vocabulary takes their keys and its tables start from them."
        ),
    ] = None,
    max_minutes: Annotated[float, typer.Option(help="Stop after the epoch that passes this (0: no limit).")] = 0.0,
    epochs: Annotated[
        int | None, typer.Option(help="Passes over the training data (default: the shipped model's).")
    ] = None,
    learn_rate: Annotated[
        float | None,
        typer.Option(
            min=1e-6,
            help="Adam's step size (default: bilstm_crf.Hyperparameters'; the shipped model was continued with "
            "--init at 0.0005, then 0.0003).",
        ),
    ] = None,
    data_only: Annotated[
        bool,
        typer.Option(
            "--data-only",
            help="Only write the training data to OUT (data.npz, vocab.json), for "
            "`python pipeline/bilstm_crf.py OUT MODEL` on a machine with torch and a GPU.",
        ),
    ] = False,
) -> None:
    """Train the character BiLSTM-CRF NER on the silver corpus, MSRA train and CLUENER train, for
    the labels PERSON, LOC, ORG, COMPANY and PARK (needs torch: pip install 'parkgraph[train]').

    A seeded 4% of each corpus is held out; the epoch best on it is saved to OUT with its
    vocabulary, config.json (hyperparameters and the training record) and the
    company/organisation classifier. On 2 CPU cores an epoch takes about 5 minutes (the shipped
    model's 12 epochs took 7 minutes on a GPU; models/ner/MODEL_CARD.md).

    Examples:

      parkgraph train ner ../shared/data --out models/ner

      parkgraph train ner ../shared/data --embeddings build/embeddings.npz --out new-ner

      parkgraph train ner ../shared/data --init models/ner --epochs 1 --learn-rate 0.0005 --out new-ner

      parkgraph train ner ../shared/data --data-only --out ner-data
    """
    from .train import GOLD_FILES, NO_SILVER, SILVER, TRAINING_SETS, write_data
    from .train import train as run_training

    exclude = exclude if exclude is not None else [path for path in GOLD_FILES if path.exists()]
    missing = [spec for spec, _, _ in TRAINING_SETS if not (corpora / spec.partition("::")[0]).exists()]
    given = [*exclude, *(silver or []), *([embeddings] if embeddings else [])]
    missing += [str(path) for path in given if not path.exists()]
    if missing:
        raise fail(f"{corpora} lacks {', '.join(missing)}")
    if silver is None and not SILVER.exists():
        raise fail(f"{NO_SILVER}")
    silver = silver if silver is not None else [SILVER]
    if data_only:
        counts = write_data(corpora, out, seed=seed, exclude=exclude, silver=silver, pretrained=embeddings)
        console.print(f"training data → {out}/ ({counts['train']} train, {counts['dev']} dev sentences)")
        return
    hyperparameters = {
        "epochs": epochs,
        "init": str(init) if init else None,
        "embeddings": str(embeddings) if embeddings else None,
        "max_minutes": max_minutes,
        "learn_rate": learn_rate,
    }
    try:
        model = run_training(
            corpora,
            out,
            seed=seed,
            exclude=exclude,
            silver=silver,
            **{k: v for k, v in hyperparameters.items() if v},
        )
    except ModuleNotFoundError as error:
        raise fail(f"{error.name} is not installed: pip install 'parkgraph[train]'") from error
    console.print(f"model → {model}/")


@train_app.command("embeddings")
def train_embeddings(
    corpora: _corpora("news_xwlb, msra_ner, cluener2020") = Path("../shared/data"),
    out: Annotated[Path, typer.Option("--out", "-o", help="The vectors file to write (.npz).")] = Path(
        "build/embeddings.npz"
    ),
    epochs: Annotated[int, typer.Option(min=1, help="Passes of word2vec over the texts.")] = 3,
    without_source: Annotated[
        list[str] | None,
        typer.Option(help="Leave out the texts of this source: xwlb, msra or cluener (cross-source runs: xwlb)."),
    ] = None,
) -> None:
    """Pretrain character and bigram vectors (gensim's skip-gram) on the unlabeled news archive
    and the corpora's training sentences, leaving out every text that repeats a gold or held-out
    one; `parkgraph train ner --embeddings OUT` starts a new tagger from them (needs gensim:
    pip install 'parkgraph[train]'). About 15 minutes on 2 cores.

    Example:

      parkgraph train embeddings ../shared/data --out build/embeddings.npz

      parkgraph train embeddings ../shared/data --without-source xwlb --out build/embeddings-no-xwlb.npz
    """
    from . import embeddings

    without = set(without_source or ())
    unknown = without - set(embeddings.SOURCES)
    if unknown:
        raise fail(f"--without-source takes {', '.join(embeddings.SOURCES)}, not {', '.join(sorted(unknown))}")
    paths = [spec.partition("::")[0] for source, (spec, _) in embeddings.SOURCES.items() if source not in without]
    missing = [path for path in paths if not (corpora / path).exists()]
    if missing:
        raise fail(f"{corpora} lacks {', '.join(missing)}")
    try:
        import gensim  # noqa: F401
    except ModuleNotFoundError as error:
        raise fail(f"{error.name} is not installed: pip install 'parkgraph[train]'") from error
    sentences, left_out = embeddings.sentences(embeddings.unlabeled_texts(corpora, without))
    console.print(f"{len(sentences)} sentences; {left_out} texts left out as repeats of gold or held-out ones")
    console.print(f"vectors → {embeddings.pretrain(sentences, out, epochs=epochs, log=console.print)}")


@train_app.command("relations")
def train_relations(
    data: Annotated[
        list[Path] | None,
        typer.Argument(help="Training documents, gold JSONL (default: corpus/silver/train.jsonl and the seed's gold)."),
    ] = None,
    dev: Annotated[Path, typer.Option(help="Gold JSONL that picks the regularisation and the thresholds.")] = Path(
        "corpus/gold/dev.jsonl"
    ),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for weights.json.")] = Path("models/relations"),
    without_source: Annotated[
        list[str] | None,
        typer.Option(help="Leave out training documents of this source (cross-source runs: --without-source xwlb)."),
    ] = None,
    ner: Annotated[
        str, typer.Option(help="The tagger whose entities score the dev split end to end: model, none, PATH.")
    ] = "model",
    read_with: Annotated[
        list[str] | None,
        typer.Option(
            help="Also read the training documents with this tagger's entities (model, PATH), so the "
            "classifier sees the pairs a tagger's misreadings make; TAGGER=DOCS.jsonl reads only the "
            "documents of DOCS.jsonl (repeatable: best each document read by a tagger that never trained on it)."
        ),
    ] = None,
    written_weight: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Weight of a written document's pairs (source synth, corpus/synthetic/) against a news "
            "document's in the fit: they teach wordings, but at full weight their density of relations "
            "makes the classifier liberal on news (default: 0.25, relations.training.WRITTEN_WEIGHT).",
        ),
    ] = None,
) -> None:
    """Train the relation classifier (LOCATED_IN, INVESTS_IN) on gold-format documents (needs
    scikit-learn: pip install 'parkgraph[train]'). Takes a few minutes on 2 cores.

    Examples:

      parkgraph train relations

      parkgraph train relations --read-with model

      parkgraph train relations --read-with tagger-a/=half-b.jsonl --read-with tagger-b/=half-a.jsonl

      parkgraph train relations corpus/silver/train.jsonl --without-source xwlb --out /tmp/no-xwlb
    """
    from .gold import GoldError, load_gold
    from .relations.training import WRITTEN_WEIGHT
    from .relations.training import train as run_training
    from .train import NO_SILVER, SILVER

    if data is None and not SILVER.exists():
        raise fail(f"{NO_SILVER}")
    try:
        default = [SILVER, Path("seeds/gold/seed.jsonl")]
        documents = [d for path in data or default for d in load_gold(path)]
        dev_documents = load_gold(dev)
    except GoldError as error:
        raise fail(f"{error}") from error
    documents = [d for d in documents if d.source not in set(without_source or [])]
    try:
        readings = [_reading(option) for option in read_with or []]
    except GoldError as error:
        raise fail(f"--read-with: {error}") from error
    try:
        weight = WRITTEN_WEIGHT if written_weight is None else written_weight
        model = run_training(documents, dev_documents, ner=ner, read_with=readings, written_weight=weight)
    except ModuleNotFoundError as error:
        raise fail(f"{error.name} is not installed: pip install 'parkgraph[train]'") from error
    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "weights.json")
    console.print(f"relation model → {out}/weights.json; pair F1 (cross-validated and dev) {model.card['pair_f1']}")


def _reading(option: str) -> tuple[str, set[str] | None]:
    """``TAGGER`` or ``TAGGER=DOCS.jsonl``: a tagger, and the ids of the documents it reads (None: all)."""
    from .gold import load_gold

    tagger, _, documents = option.partition("=")
    return tagger, None if not documents else {d.doc_id for d in load_gold(Path(documents))}


def _graph(folder: Path):
    from .graph import read_graph

    if not (folder / "graph.json").exists():
        raise fail(f"{folder} has no graph.json: run parkgraph extract first")
    return read_graph(folder)


def _node(g, name: str, folder: Path) -> str:
    from .graph import find_node

    node = find_node(g, name)
    if node is None:
        raise fail(f"no entity named {name!r} in {folder}", 1)
    return node


def _wide_console() -> Console:
    """The terminal's width; piped, 160 columns (rather than rich's 80), so that a line keeps more
    of a sentence for grep. Cells fold their text either way, never cut it."""
    return Console(width=None if Console().is_terminal else 160, highlight=False)


def _print_table(table: Table) -> None:
    _wide_console().print(table)


def _wrapping(*columns: str) -> Table:
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


FOLDER_HELP = "Output folder of parkgraph extract."


@graph_app.command("summary")
def graph_summary(
    folder: Annotated[Path, typer.Argument(help=FOLDER_HELP)] = Path("out"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Node and edge counts by label and relation type."""
    JSON_ERRORS.set(as_json)
    from .graph import graph_counts

    counts = graph_counts(_graph(folder))
    if as_json:
        print(json.dumps(counts, ensure_ascii=False, indent=1))
        return
    print(f"{folder}: {counts['nodes']} nodes ({counts['isolated']} isolated), {counts['edges']} edges")
    table = Table("", "count")
    for label, n in counts["nodes_by_label"].items():
        table.add_row(f"nodes {label}", str(n))
    for relation, n in counts["edges_by_type"].items():
        table.add_row(f"edges {relation}", str(n))
    _print_table(table)


@graph_app.command("parks")
def graph_parks(
    folder: Annotated[Path, typer.Argument(help=FOLDER_HELP)] = Path("out"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Each park with organisations, the most first: their number, total stated investment, place."""
    JSON_ERRORS.set(as_json)
    from .graph import park_rows

    g = _graph(folder)
    rows = [
        {
            "park": row.name,
            "organisations": row.companies,
            "investment": row.investment,
            "places": row.places,
            "members": sorted(g.nodes[m]["name"] for m in row.members),
        }
        for row in park_rows(g)
        if row.companies
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = _wrapping("park", "organisations", "investment (yuan)", "place")
    for row in rows:
        investment = f"{row['investment']:,.0f}" if row["investment"] else ""
        table.add_row(row["park"], str(row["organisations"]), investment, "、".join(row["places"]))
    _print_table(table)


@graph_app.command("show")
def graph_show(
    name: Annotated[str, typer.Argument(help="Entity name (canonical or any alias).")],
    folder: Annotated[Path, typer.Argument(help=FOLDER_HELP)] = Path("out"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """An entity's relations: direction, relation, the other entity, amount, confidence, method and
    the evidence sentence with its document."""
    JSON_ERRORS.set(as_json)
    from .graph import neighbours

    g = _graph(folder)
    node = _node(g, name, folder)
    rows = neighbours(g, node)
    if as_json:
        print(json.dumps({"node": g.nodes[node], "neighbours": rows}, ensure_ascii=False, indent=1))
        return
    table = _wrapping("relation", "entity", "amount (yuan)", "confidence", "method", "evidence")
    table.title = f"{g.nodes[node]['name']} ({g.nodes[node]['label']})"
    for r in rows:
        arrow = f"← {r['relation']}" if r["direction"] == "in" else f"{r['relation']} →"
        amount = f"{r['amount']:,.0f}" if r["amount"] else ""
        evidence = f"[{r['evidence_doc']}] {r['evidence']}" if r["evidence_doc"] else r["evidence"]
        table.add_row(arrow, f"{r['entity']} ({r['label']})", amount, f"{r['confidence']:.2f}", r["method"], evidence)
    _print_table(table)


@graph_app.command("path")
def graph_path(
    source: Annotated[str, typer.Argument(help="First entity (name or alias).")],
    target: Annotated[str, typer.Argument(help="Second entity (name or alias).")],
    folder: Annotated[Path, typer.Argument(help=FOLDER_HELP)] = Path("out"),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The shortest chain of relations between two entities, in either direction."""
    JSON_ERRORS.set(as_json)
    from .graph import shortest_path

    if (Path(target) / "graph.json").exists():  # `graph path A out/`: a folder where a name belongs
        raise fail(f"{target} is an output folder: name two entities (parkgraph graph path {source} 中关村 {target})")
    g = _graph(folder)
    hops = shortest_path(g, _node(g, source, folder), _node(g, target, folder))
    if hops is None:
        raise fail(f"no path between {source} and {target}", 1)
    if as_json:
        print(json.dumps(hops, ensure_ascii=False, indent=1))
        return
    for hop in hops:
        arrow = f"—{hop['relation']}→" if hop["direction"] == "→" else f"←{hop['relation']}—"
        print(f"{hop['from']} {arrow} {hop['to']}")


@graph_app.command("export")
def graph_export(
    folder: Annotated[Path, typer.Argument(help=FOLDER_HELP)] = Path("out"),
    fmt: Annotated[
        str,
        typer.Option("--format", help="graphml, gexf, json (node-link), csv, neo4j, html (the explorer page) or png."),
    ] = "graphml",
    to: Annotated[Path | None, typer.Option(help="File (graphml/gexf/json/html/png) or folder (csv/neo4j).")] = None,
    park: Annotated[
        str | None, typer.Option(help="png: this park alone with its companies (default: the largest parks).")
    ] = None,
) -> None:
    """Export the graph. csv: nodes.csv and edges.csv; neo4j: CSV that `neo4j-admin database import
    full --nodes=nodes.csv --relationships=relationships.csv` reads; png: each park with its
    companies around it (needs pip install 'parkgraph[plot]')."""
    from .publish import export

    formats = {"graphml", "gexf", "json", "csv", "neo4j", "html", "png"}
    if fmt not in formats:
        raise typer.BadParameter(f"unknown format {fmt!r}: choose one of {sorted(formats)}", param_hint="--format")
    if park is not None and fmt != "png":
        raise typer.BadParameter("--park draws a picture: use it with --format png", param_hint="--park")
    g = _graph(folder)
    node = _node(g, park, folder) if park is not None else None
    target = to or folder / ("export-" + fmt if fmt in {"csv", "neo4j"} else f"graph-export.{fmt}")
    try:
        for path in export(g, fmt, target, park=node):
            print(path)
    except (RuntimeError, ValueError) as error:
        raise fail(str(error), 1) from error


@app.command()
def show(
    text: Annotated[str, typer.Argument(help="A Chinese text, or - to read it from standard input.")],
    ner: Annotated[str, typer.Option(help=f"Statistical tagger: {NER_CHOICES}.")] = "model",
    html: Annotated[
        Path | None, typer.Option(help="Also write the entities as a displaCy HTML page, in parkgraph's colours.")
    ] = None,
) -> None:
    """One text in the terminal: the text with its entities coloured, then the entities and the
    relations with their evidence.

    Example:

      parkgraph show "成都云帆科技有限公司入驻天府软件园，投资5亿元。"
    """
    _check_ner(ner, None)
    import pipeline

    from .view import displacy_options

    text = sys.stdin.read() if text == STDIN else text
    doc = pipeline.load(ner=ner)(text)
    out = _wide_console()
    out.print(_coloured(doc), soft_wrap=True)
    entities = _wrapping("entity", "label", "canonical", "value", "source")
    for e in doc.ents:
        value = f"{e._.value:,.0f} {e._.currency or ''}".strip() if e._.value is not None else ""
        entities.add_row(e.text, e.label_, e._.entity or "", value, e._.source or "")
    out.print(entities)
    relations = _wrapping("head", "relation", "tail", "amount (yuan)", "confidence", "method", "evidence")
    for r in doc._.relations or []:
        evidence = text[r.evidence_start : r.evidence_end].strip()
        amount = f"{r.amount:,.0f}" if r.amount else ""
        relations.add_row(r.head, r.relation, r.tail, amount, f"{r.confidence:.2f}", r.method, evidence)
    out.print(relations)
    if html is not None:
        from spacy import displacy

        html.write_text(displacy.render(doc, style="ent", page=True, options=displacy_options()), encoding="utf-8")
        console.print(f"displaCy page → {html}")


def _coloured(doc) -> Text:
    """The text with each entity on its label's displaCy colour and its label after it, as
    HanLP's pretty_print shows a sentence."""
    from .view import displacy_options

    colours = displacy_options()["colors"]
    shown, last = Text(), 0
    for e in doc.ents:
        shown.append(doc.text[last : e.start_char])
        shown.append(e.text, style=f"black on {colours.get(e.label_, '#dddddd')}")
        shown.append(f"[{e.label_}]", style="dim")
        last = e.end_char
    shown.append(doc.text[last:])
    return shown


def main() -> None:
    try:
        if "--json" in sys.argv[1:]:
            _main_with_json_errors()
        else:
            app()
    except typer.BadParameter as error:
        sys.exit(fail(str(error)).exit_code)


def _main_with_json_errors() -> None:
    """``app()`` for a command given --json: typer's own checks (``--workers abc``, a missing
    argument) stop the run before the command can say why, so their error goes to stdout as
    JSON too, as the commands' own errors do. Otherwise what click's standalone mode does."""
    import errno

    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # typer's usage errors (its own copy of click's)
        error.show()
        print(json.dumps({"error": error.format_message(), "exit_code": error.exit_code}, ensure_ascii=False))
        sys.exit(error.exit_code)
    except typer.Abort:
        console.print("Aborted.")
        sys.exit(1)
    except OSError as error:
        if error.errno != errno.EPIPE:  # stdout closed early (| head): quietly, as click does
            raise
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
