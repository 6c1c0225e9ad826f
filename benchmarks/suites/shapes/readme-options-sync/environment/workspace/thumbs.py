"""Make thumbnails for every image in a folder."""

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("src", type=Path, help="folder with the original images")
    parser.add_argument("--size", type=int, default=256, metavar="N",
                        help="longest edge of a thumbnail, in pixels")
    parser.add_argument("--format", choices=["png", "jpeg", "webp"], default="webp",
                        help="file format of the thumbnails")
    parser.add_argument("--quality", type=int, default=85, metavar="Q",
                        help="compression quality for jpeg and webp (1-100)")
    parser.add_argument("--out-dir", type=Path, default=Path("thumbs"), metavar="DIR",
                        help="where the thumbnails are written")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace thumbnails that already exist")
    parser.add_argument("--workers", type=int, default=4, metavar="N",
                        help="how many images to process in parallel")
    return parser.parse_args(argv)


def make_thumbnail(path, args):
    from PIL import Image  # imported here so --help works without Pillow

    target = args.out_dir / f"{path.stem}.{args.format}"
    if target.exists() and not args.overwrite:
        return None
    with Image.open(path) as image:
        image.thumbnail((args.size, args.size))
        image.save(target, quality=args.quality)
    return target


def main(argv=None):
    args = parse_args(argv)
    images = sorted(p for p in args.src.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        made = [t for t in pool.map(lambda p: make_thumbnail(p, args), images) if t]
    print(f"{len(made)} thumbnails written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
