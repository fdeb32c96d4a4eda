#!/usr/bin/env bash
# CPU engine benchmark: release build, then per net (lenet5, fashion-mnist, alexnet) `dltrain compare-devices
# --json --devices cpu`, plus the SGEMM ceiling (`dltrain bench-gemm`) and the memory bandwidth (`dltrain
# bench-memory`) on the same threads, REPEATS times interleaved; medians go to one JSON file and a short table.
# Each conv and dense layer is reported against the ceiling and against its roofline, max(FLOPs / ceiling, bytes /
# bandwidth) with compare-devices' forward_bytes + backward_bytes: a model of the least time a layer whose data
# comes from memory can take (Winograd layers, and layers whose data stays in cache, can pass it). With
# TORCH_PYTHON set to a Python that has torch (and torchvision, for AlexNet), PyTorch's throughput
# (../shared/anchors/torch_reference.py) runs in the same session, each net right next to dltrain's run of it
# (which goes first alternates by round), and the table shows the ratios.
#
#   scripts/bench.sh                                      # 2 threads, 3 repeats
#   THREADS=2 REPEATS=5 TORCH_PYTHON=/tmp/torch/bin/python scripts/bench.sh
#
# Environment: THREADS (2), REPEATS (3), ITERATIONS (compare-devices' timed iterations, 10), NETS (space-separated
# config names, "lenet5 fashion-mnist alexnet"), OUT (runs/bench/bench.json), BUILD_PATH (.build),
# TORCH_PYTHON, TORCH_REFERENCE (../shared/anchors/torch_reference.py), SKIP_BUILD=1 to reuse the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

threads=${THREADS:-2}
repeats=${REPEATS:-3}
iterations=${ITERATIONS:-10}
nets=${NETS:-"lenet5 fashion-mnist alexnet"}
out=${OUT:-runs/bench/bench.json}
build_path=${BUILD_PATH:-.build}
torch_reference=${TORCH_REFERENCE:-../shared/anchors/torch_reference.py}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  swift build -c release --scratch-path "$build_path" --product dltrain >&2
fi
dltrain="$build_path/release/dltrain"

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
use_torch=0
if [[ -n ${TORCH_PYTHON:-} ]]; then
  if "$TORCH_PYTHON" -c 'import torch' 2>/dev/null && [[ -f $torch_reference ]]; then
    use_torch=1
  else
    echo "bench: TORCH_PYTHON=$TORCH_PYTHON has no torch (or $torch_reference is missing); skipping PyTorch" >&2
  fi
fi

# One net's PyTorch throughput: torch_reference.py's own throughput() with the arguments its `throughput` command
# passes for that net, so that each net can run right next to dltrain's run of it.
torch_net() {
  THREADS=$threads "$TORCH_PYTHON" - "$torch_reference" "$1" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("torch_reference", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
calls = {  # as in torch_reference.py's `throughput` command
    "lenet5": lambda: ref.throughput("lenet5", ref.lenet5(), (1, 28, 28), 10, 64),
    "fashion-mnist": lambda: ref.throughput("fashion_mnist_cnn", ref.fashion_mnist_cnn(), (1, 28, 28), 10, 64),
    "alexnet": lambda: ref.throughput("alexnet", ref.alexnet(), (3, 224, 224), 1000, 16, warm=2, iters=5),
}
if sys.argv[2] not in calls:
    sys.exit(f"no PyTorch version of {sys.argv[2]} in torch_reference.py")
calls[sys.argv[2]]()
PY
}

for ((r = 1; r <= repeats; r++)); do
  echo "bench: round $r/$repeats" >&2
  "$dltrain" bench-gemm --m 1024 --n 1024 --k 1024 --threads "$threads" --repeats 3 --json >"$raw/gemm-$r.json"
  "$dltrain" bench-memory --mib 1024 --threads "$threads" --repeats 3 --json >"$raw/memory-$r.json"
  for net in $nets; do
    runs=(dltrain)
    if ((use_torch)); then
      if ((r % 2)); then runs=(dltrain torch); else runs=(torch dltrain); fi
    fi
    for run in "${runs[@]}"; do
      if [[ $run == dltrain ]]; then
        "$dltrain" compare-devices "configs/$net.json" --devices cpu --threads "$threads" \
          --iterations "$iterations" --json >"$raw/dltrain-$net-$r.json"
      else
        torch_net "$net" >>"$raw/torch-$r.jsonl" 2>"$raw/torch-$net-$r.err" ||
          echo "bench: torch_reference.py failed on $net: $(tail -n 1 "$raw/torch-$net-$r.err")" >&2
      fi
    done
  done
done

mkdir -p "$(dirname "$out")"
python3 - "$raw" "$out" "$threads" "$repeats" "$nets" <<'PY'
import glob, json, os, platform, re, statistics, sys

raw, out, threads, repeats, nets = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split()
median = statistics.median
torch_names = {"lenet5": "lenet5", "fashion-mnist": "fashion_mnist_cnn", "alexnet": "alexnet"}

gemm = [json.load(open(p)) for p in sorted(glob.glob(f"{raw}/gemm-*.json"))]
memory = [json.load(open(p)) for p in sorted(glob.glob(f"{raw}/memory-*.json"))]
if not gemm or not memory:
    sys.exit("bench: no bench-gemm or bench-memory results (REPEATS must be at least 1)")
ceiling = median([g["median_gflops"] for g in gemm])
bandwidth = median([m["median_gbps"] for m in memory])

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

def round_of(path):  # "…-R.json" or "…-R.jsonl" → R
    return int(path.rsplit("-", 1)[1].split(".")[0])

torch_runs = {}  # PyTorch's net name → {round: row}
for path in glob.glob(f"{raw}/torch-*.jsonl"):
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            torch_runs.setdefault(row["net"], {})[round_of(path)] = row

report = {
    "machine": {"cpu": cpu_model(), "logical_cpus": os.cpu_count(), "load_average": os.getloadavg()},
    "threads": threads, "repeats": repeats,
    "sgemm": {"size": "1024x1024x1024", "core": gemm[0]["core"],
              "median_gflops": ceiling, "runs_gflops": [g["median_gflops"] for g in gemm]},
    "memory": {"bytes": memory[0]["bytes"], "median_gbps": bandwidth,
               "runs_gbps": [m["median_gbps"] for m in memory]},
    "nets": {},
}
for net in nets:
    # Exactly this net's rounds ("dltrain-fashion-mnist-*" would also match a net named fashion-mnist-5-epochs).
    mine = re.compile(rf"dltrain-{re.escape(net)}-\d+\.json")
    paths = sorted((p for p in glob.glob(f"{raw}/dltrain-{net}-*.json") if mine.fullmatch(os.path.basename(p))),
                   key=round_of)
    runs = [json.load(open(p))["engines"][0] for p in paths]
    if not runs:
        continue
    first = json.load(open(paths[0]))
    layers = []
    for i, layer in enumerate(runs[0]["layers"]):
        fwd = median([r["layers"][i]["forward_ms"] for r in runs])
        bwd = median([r["layers"][i]["backward_ms"] for r in runs])
        flops = layer["forward_flops"] + layer["backward_flops"]
        moved = layer["forward_bytes"] + layer["backward_bytes"]
        ms = max(fwd + bwd, 1e-9)  # a layer too quick to time counts as 1 ps, not as a division by zero
        # The roofline: the FLOPs at the ceiling or the bytes at the bandwidth, whichever takes longer.
        compute_ms, memory_ms = 1000 * flops / (ceiling * 1e9), 1000 * moved / (bandwidth * 1e9)
        roofline_ms = max(compute_ms, memory_ms)
        layers.append({"name": layer["name"], "type": layer["type"], "gflop": flops / 1e9, "mb_moved": moved / 1e6,
                       "forward_ms": fwd, "backward_ms": bwd, "gflops_per_second": flops / ms / 1e6,
                       "percent_of_sgemm_ceiling": 100 * flops / ms / 1e6 / ceiling,
                       "roofline_ms": roofline_ms, "bound": "memory" if memory_ms > compute_ms else "compute",
                       "percent_of_roofline": 100 * roofline_ms / ms})
    entry = {
        "batch": first["batch"], "engine": runs[0]["engine"],
        "train_images_per_second": median([r["train_images_per_second"] for r in runs]),
        "inference_images_per_second": median([r["inference_images_per_second"] for r in runs]),
        "train_step_ms": median([r["train_step_ms"] for r in runs]),
        "runs": [{"train_images_per_second": r["train_images_per_second"],
                  "inference_images_per_second": r["inference_images_per_second"]} for r in runs],
        "layers": layers,
    }
    torch_by_round = torch_runs.get(torch_names.get(net, net), {})
    torch = [torch_by_round[r] for r in sorted(torch_by_round)]
    if torch:
        entry["torch"] = {
            "train_images_per_second": median([t["train_img_s"] for t in torch]),
            "inference_images_per_second": median([t["infer_img_s"] for t in torch]),
            "runs": torch,
        }
        entry["train_ratio"] = entry["train_images_per_second"] / entry["torch"]["train_images_per_second"]
        entry["inference_ratio"] = (entry["inference_images_per_second"]
                                    / entry["torch"]["inference_images_per_second"])
        # Each round's ratio, from the two runs made right next to each other.
        entry["round_ratios"] = [
            {"round": round_of(p), "train": r["train_images_per_second"] / torch_by_round[round_of(p)]["train_img_s"],
             "inference": r["inference_images_per_second"] / torch_by_round[round_of(p)]["infer_img_s"]}
            for p, r in zip(paths, runs) if round_of(p) in torch_by_round]
    report["nets"][net] = entry

with open(out, "w") as f:
    json.dump(report, f, indent=2, sort_keys=True)
    f.write("\n")

print(f"bench: {report['machine']['cpu']}, {threads} threads, medians of {repeats} rounds "
      f"(load average {report['machine']['load_average'][0]:.1f})")
print(f"sgemm 1024³ ceiling: {ceiling:.1f} GFLOP/s ({report['sgemm']['core']}); "
      f"memory read bandwidth: {bandwidth:.1f} GB/s ({memory[0]['bytes'] >> 20} MiB)")
print()
header = (f"{'net':<14}{'batch':>6}{'train img/s':>13}{'torch':>9}{'ratio':>8}"
          f"{'infer img/s':>13}{'torch':>9}{'ratio':>8}")
print(header)
for net, e in report["nets"].items():
    t = e.get("torch") or {}
    fmt = lambda v: f"{v:.1f}" if v is not None else "-"
    ratio = lambda key: f"{e[key]:.2f}x" if key in e else "-"
    print(f"{net:<14}{e['batch']:>6}{e['train_images_per_second']:>13.1f}"
          f"{fmt(t.get('train_images_per_second')):>9}{ratio('train_ratio'):>8}"
          f"{e['inference_images_per_second']:>13.1f}{fmt(t.get('inference_images_per_second')):>9}"
          f"{ratio('inference_ratio'):>8}")
print()
for net, e in report["nets"].items():
    if e.get("round_ratios"):
        pairs = ", ".join(f"{x['round']}: {x['train']:.2f}/{x['inference']:.2f}" for x in e["round_ratios"])
        print(f"  {net:<14}ratio by round (train/infer, the two runs side by side): {pairs}")
print()
print("GEMM layers (conv, dense) by share of step time: forward + backward ms, GFLOP/s, % of the sgemm ceiling;")
print("MB moved (each tensor once), the roofline (FLOPs at the ceiling or bytes at the bandwidth, whichever is")
print("longer), % of it, and which of the two it is")
for net, e in report["nets"].items():
    total = sum(l["forward_ms"] + l["backward_ms"] for l in e["layers"]) or 1
    for l in sorted(e["layers"], key=lambda l: -(l["forward_ms"] + l["backward_ms"])):
        if l["type"] not in ("conv", "dense"):
            continue
        ms = l["forward_ms"] + l["backward_ms"]
        print(f"  {net:<14}{l['name']:<8}{ms:>9.2f} ms {100 * ms / total:>5.1f}%{l['gflops_per_second']:>8.1f} GF/s"
              f"{l['percent_of_sgemm_ceiling']:>6.0f}%{l['mb_moved']:>8.1f} MB{l['roofline_ms']:>8.2f} ms"
              f"{l['percent_of_roofline']:>6.0f}%  {l['bound']}")
print(f"\nwrote {out}")
PY
