"""modes_crc.py: the Mode S parity (DO-260B 2.2.3.2.1.6) for the tests and
benchmarks that re-check frames on their own, apart from the decoder's C."""


def crc24(data):
    """The 24-bit CRC (generator 0x1FFF409) of bytes."""
    crc = 0
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1FFF409) if crc & 0x800000 else crc << 1
    return crc & 0xFFFFFF


def residual(h):
    """A frame's (hex) CRC over its data XOR its last 24 bits: 0 for a clean
    DF11/17/18 (DF11: its interrogator code), the address for the
    address/parity formats."""
    b = bytes.fromhex(h)
    return crc24(b[:-3]) ^ int.from_bytes(b[-3:], "big")
