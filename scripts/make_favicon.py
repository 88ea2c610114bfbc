"""Draw the page icon (static/favicon.png): the app serves it itself, so no browser asks another host for it.

.venv/bin/python -m scripts.make_favicon
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "static" / "favicon.png"
FONT = ROOT / "static" / "fonts" / "DejaVuSans-Bold.ttf"
RED = (227, 0, 15, 255)  # the party red of the charts (#E3000F)
SIZE = 128


def draw() -> Image.Image:
    """A red rounded square with a white bold L (for Linksaktiv)."""
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    pen.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=SIZE // 5, fill=RED)
    font = ImageFont.truetype(str(FONT), int(SIZE * 0.72))
    pen.text((SIZE / 2, SIZE / 2), "L", font=font, fill="white", anchor="mm")
    return img


def main() -> None:
    draw().save(TARGET, optimize=True)
    print(f"{TARGET.relative_to(ROOT)} geschrieben")


if __name__ == "__main__":
    main()
