"""Builds what /static/snippet.js serves: static/snippet.js minified by esbuild, with a
source map that points back at the readable source (`make snippet` runs this).

The source takes server data at markers (`/*catalogue*/{}`, `/*preloaded*/{}`), which a
minifier would drop. The build turns each into a parameter of a wrapper function, padded
with spaces to the marker's length so that no column of the source moves, and passes
the markers in the wrapper's call on the last line:

    ((__catalogue__,__preloaded__)=>{
    <the minified snippet, one line>
    })(/*catalogue*/{},/*preloaded*/{});

The app fills the markers of that last line (banner/snippet.py): data of any length goes
after every mapped position, so the one source map stays exact for every site's script.

    .venv/bin/python banner/snippet_build.py [--esbuild node_modules/.bin/esbuild]
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static" / "snippet.js"
BUILD = ROOT / "static" / "build" / "snippet.min.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
# The server data the snippet takes, in the wrapper's parameter order.
MARKER_NAMES = ("catalogue", "preloaded")
TARGET = "es2017"  # the language level of the source (STYLE.md)


def marker(name: str) -> str:
    return f"/*{name}*/{{}}"


def placeholder(name: str) -> str:
    """The wrapper parameter that stands for a marker, as long as the marker itself."""
    return f"__{name}__".ljust(len(marker(name)))


def with_placeholders(source: str) -> str:
    """The source with each marker it holds (at most once) turned into its parameter."""
    for name in MARKER_NAMES:
        if source.count(marker(name)) > 1:
            raise ValueError(f"static/snippet.js holds {marker(name)} more than once")
        source = source.replace(marker(name), placeholder(name))
    return source


def wrapper() -> tuple[str, str]:
    """The first and the last line around the minified snippet."""
    params = ",".join(placeholder(name).strip() for name in MARKER_NAMES)
    args = ",".join(marker(name) for name in MARKER_NAMES)
    return f"(({params})=>{{", f"}})({args});"


def build(esbuild: Path = ESBUILD, source: Path = SOURCE, output: Path = BUILD) -> None:
    """Write output and output.map from source."""
    text = source.read_text(encoding="utf-8")
    head, tail = wrapper()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        entry = Path(tmp) / source.name
        entry.write_text(with_placeholders(text), encoding="utf-8")
        subprocess.run([str(esbuild), str(entry), "--minify", f"--target={TARGET}",
                        "--legal-comments=none", "--sourcemap=external",
                        "--sources-content=false", "--log-level=warning",
                        f"--banner:js={head}", f"--footer:js={tail}",
                        f"--outfile={output}"], check=True)
    built = output.read_text(encoding="utf-8")
    if not (built.startswith(head + "\n") and built.endswith("\n" + tail + "\n")):
        raise RuntimeError(f"esbuild did not put the wrapper lines around {output.name}")
    # The map names the readable source and carries it as it is, markers included (the
    # app also reads it back to tell whether this build is of the current source).
    source_map = json.loads(Path(f"{output}.map").read_text(encoding="utf-8"))
    source_map.update(sources=[source.name], sourcesContent=[text])
    Path(f"{output}.map").write_text(json.dumps(source_map, ensure_ascii=False),
                                     encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esbuild", type=Path, default=ESBUILD)
    args = parser.parse_args()
    build(args.esbuild)
    print(f"{BUILD.relative_to(ROOT)}: {BUILD.stat().st_size} B (+ .map)")


if __name__ == "__main__":
    main()
