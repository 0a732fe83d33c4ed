"""Read a QR code back from the inline SVG the pages draw, without segno: the module grid from
the SVG path, then the symbol decoded by ISO/IEC 18004 (format information, unmasking, the
zigzag order, block de-interleaving, byte mode). Enough for the clean, level-M, byte-mode codes
that link Telegram (versions 1 to 9); not a general decoder."""

from __future__ import annotations

import re

# Level M: (blocks, data codewords per block) per version, from the standard's table 9.
BLOCKS_M = {1: [(1, 16)], 2: [(1, 28)], 3: [(1, 44)], 4: [(2, 32)], 5: [(2, 43)],
            6: [(4, 27)], 7: [(4, 31)], 8: [(2, 38), (2, 39)], 9: [(3, 36), (2, 37)]}
TOTAL_CODEWORDS = {1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 8: 242, 9: 292}
ALIGNMENT = {2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34], 7: [6, 22, 38],
             8: [6, 24, 42], 9: [6, 26, 46]}
EC_LEVELS = {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}
MASKS = [
    lambda y, x: (y + x) % 2 == 0,
    lambda y, x: y % 2 == 0,
    lambda y, x: x % 3 == 0,
    lambda y, x: (y + x) % 3 == 0,
    lambda y, x: (y // 2 + x // 3) % 2 == 0,
    lambda y, x: (y * x) % 2 + (y * x) % 3 == 0,
    lambda y, x: ((y * x) % 2 + (y * x) % 3) % 2 == 0,
    lambda y, x: ((y + x) % 2 + (y * x) % 3) % 2 == 0,
]


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules of the symbol (quiet zone removed) from segno's path: "M x y" and
    "m dx dy" move, "h n" draws n dark modules along the row."""
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    size = int(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1)) // scale
    path = re.search(r'<path[^>]*stroke="[^"]+"[^>]*d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    tokens = re.findall(r"[MmHh]|-?\d+(?:\.\d+)?", path)
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command in "Mm":
            dx, dy = float(tokens[i + 1]), float(tokens[i + 2])
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            i += 3
        else:
            length = int(float(tokens[i + 1]))
            for column in range(int(x), int(x) + length):
                grid[int(y)][column] = True
            x += length
            i += 2
    rows = [r for r in range(size) if any(grid[r])]
    top, bottom = rows[0], rows[-1]
    return [row[top:bottom + 1] for row in grid[top:bottom + 1]]


def _format_codes() -> dict[int, tuple[str, int]]:
    codes = {}
    for level_bits, level in EC_LEVELS.items():
        for mask in range(8):
            data = (level_bits << 3) | mask
            remainder = data << 10
            for shift in range(4, -1, -1):
                if remainder & (1 << (shift + 10)):
                    remainder ^= 0x537 << shift
            codes[((data << 10) | remainder) ^ 0x5412] = (level, mask)
    return codes


def _function_modules(size: int, version: int) -> list[list[bool]]:
    taken = [[False] * size for _ in range(size)]

    def mark(rows, columns):
        for r in rows:
            for c in columns:
                if 0 <= r < size and 0 <= c < size:
                    taken[r][c] = True

    mark(range(9), range(9))  # finder, separator and format, top left
    mark(range(9), range(size - 8, size))  # top right
    mark(range(size - 8, size), range(9))  # bottom left, with the dark module
    mark([6], range(size))
    mark(range(size), [6])
    centres = ALIGNMENT.get(version, [])
    for r in centres:
        for c in centres:
            if (r, c) in ((6, 6), (6, centres[-1]), (centres[-1], 6)):
                continue
            mark(range(r - 2, r + 3), range(c - 2, c + 3))
    if version >= 7:
        mark(range(6), range(size - 11, size - 8))
        mark(range(size - 11, size - 8), range(6))
    return taken


def decode(modules: list[list[bool]]) -> str:
    size = len(modules)
    version = (size - 17) // 4
    assert size == 17 + 4 * version and version in BLOCKS_M, f"unsupported size {size}"
    positions = [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8),
                 (5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
    bits = [modules[r][c] for r, c in positions]
    codes = _format_codes()
    found = [codes.get(int("".join("1" if b else "0" for b in order), 2))
             for order in (bits, bits[::-1])]
    level, mask = next(item for item in found if item is not None)
    assert level == "M", f"error correction level {level}"
    taken = _function_modules(size, version)
    stream = []
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vertical in range(size):
            for offset in range(2):
                x = right - offset
                upward = ((right + 1) & 2) == 0
                y = size - 1 - vertical if upward else vertical
                if not taken[y][x]:
                    stream.append(modules[y][x] ^ MASKS[mask](y, x))
        right -= 2
    codewords = [int("".join("1" if b else "0" for b in stream[i:i + 8]), 2)
                 for i in range(0, TOTAL_CODEWORDS[version] * 8, 8)]
    blocks = [[] for count, _ in BLOCKS_M[version] for _ in range(count)]
    sizes = [length for count, length in BLOCKS_M[version] for _ in range(count)]
    index = 0
    for i in range(max(sizes)):
        for block, length in zip(blocks, sizes, strict=True):
            if i < length:
                block.append(codewords[index])
                index += 1
    data = "".join(f"{byte:08b}" for block in blocks for byte in block)
    assert data[:4] == "0100", f"not byte mode: {data[:4]}"
    length = int(data[4:12], 2)
    return bytes(int(data[12 + 8 * i:20 + 8 * i], 2) for i in range(length)).decode()


def qr_text(svg: str) -> str:
    """The text a QR code drawn as SVG holds."""
    return decode(svg_modules(svg))
