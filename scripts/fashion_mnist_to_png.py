#!/usr/bin/env python3
"""Converts the Fashion-MNIST IDX files into one folder of grayscale PNGs per class (python3 stdlib only).

Layout: OUT/{train,test}/<label>_<name>/<index>.png, where <index> is the image's position in the IDX file
(zero-padded, so names sort in file order) and folder names sort in label order.
"""
import argparse
import gzip
import json
import os
import shutil
import struct
import sys
import zlib

CLASS_FOLDERS = ["0_tshirt_top", "1_trouser", "2_pullover", "3_dress", "4_coat",
                 "5_sandal", "6_shirt", "7_sneaker", "8_bag", "9_ankle_boot"]
SPLITS = {"train": "train", "test": "t10k"}


def read_idx(path, magic):
    """Returns (dimensions, payload bytes) of a gzipped IDX file, checking its magic number."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    found, = struct.unpack(">I", data[:4])
    if found != magic:
        sys.exit(f"{path}: not an IDX file of the expected kind (magic {found:#x}, expected {magic:#x})")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def chunk(kind, payload):
    """One PNG chunk: length, type, data, CRC of type + data."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def gray_png(pixels, width, height):
    """An 8-bit grayscale PNG of `pixels` (rows top to bottom), every row with filter type 0."""
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def convert(source, out, split, per_class):
    """Writes one split; skips it when a previous run with the same parameters completed."""
    target = os.path.join(out, split)
    marker = os.path.join(out, f".fashion-mnist-{split}.done")
    parameters = {"per_class": per_class, "format": 1}
    if os.path.isdir(target) and os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == parameters:
                print(f"{target}: already complete, skipped")
                return
        shutil.rmtree(target)
    elif os.path.exists(target):
        sys.exit(f"{target} exists but was not written by this script; move it away first")

    prefix = SPLITS[split]
    (count, rows, cols), images = read_idx(os.path.join(source, f"{prefix}-images-idx3-ubyte.gz"), 0x803)
    (label_count,), labels = read_idx(os.path.join(source, f"{prefix}-labels-idx1-ubyte.gz"), 0x801)
    if label_count != count:
        sys.exit(f"{source}: {count} images but {label_count} labels")

    staging = os.path.join(out, f".{split}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    for folder in CLASS_FOLDERS:
        os.makedirs(os.path.join(staging, folder))
    written = [0] * len(CLASS_FOLDERS)
    size = rows * cols
    digits = len(str(count - 1))
    for index in range(count):
        label = labels[index]
        if per_class is not None and written[label] >= per_class:
            continue
        name = os.path.join(staging, CLASS_FOLDERS[label], f"{index:0{digits}d}.png")
        with open(name, "wb") as f:
            f.write(gray_png(images[index * size:(index + 1) * size], cols, rows))
        written[label] += 1
    os.rename(staging, target)
    with open(marker, "w") as f:
        json.dump(parameters, f)
    print(f"{target}: {sum(written)} images in {len(CLASS_FOLDERS)} classes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="datasets/fashion-mnist")
    parser.add_argument("--train-per-class", type=int, help="keep only the first N training images per class")
    parser.add_argument("--test-per-class", type=int, help="keep only the first N test images per class")
    parser.add_argument("--source", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"),
                        help="folder holding the *-ubyte.gz files (Debian package dataset-fashion-mnist)")
    args = parser.parse_args()
    for value in (args.train_per_class, args.test_per_class):
        if value is not None and value < 1:
            parser.error("per-class counts must be at least 1")
    if not os.path.isdir(args.source):
        sys.exit(f"{args.source} not found: install the Debian package dataset-fashion-mnist "
                 "or pass --source / FASHION_MNIST_DIR")
    os.makedirs(args.out_dir, exist_ok=True)
    convert(args.source, args.out_dir, "train", args.train_per_class)
    convert(args.source, args.out_dir, "test", args.test_per_class)


if __name__ == "__main__":
    main()
