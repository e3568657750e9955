"""`make run` serves on HOST (host:port); say at once when that address is taken, rather than
after a minute of migrating and loading the demo."""

import socket
import sys


def main(address: str) -> int:
    host, _, port = address.rpartition(":")
    try:
        with socket.socket() as sock:
            # As the development server binds: an address left in TIME_WAIT is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host or "127.0.0.1", int(port)))
    except OSError as error:
        print(
            f"make run: {address} is in use ({error.strerror}); stop what serves there, or "
            f"choose another address: make run HOST=127.0.0.1:{int(port) + 1}",
            file=sys.stderr,
        )
        return 1
    except ValueError:
        print(f"make run: HOST={address} is not host:port", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
