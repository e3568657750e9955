from decimal import Decimal


def points(value: Decimal | int) -> str:
    """Points as people write them: 24, 2.5 — not 24.0 or 2.50."""
    text = f"{Decimal(value):.1f}"
    return text[:-2] if text.endswith(".0") else text
