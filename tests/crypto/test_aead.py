"""The nonce pool: fresh random nonces drawn in bulk, never handed out twice."""

import os
import threading

from casehub.crypto import aead


def test_nonces_are_96_bits_and_never_repeat():
    nonces = [aead.random_nonce() for _ in range(10 * aead.NONCES_PER_DRAW + 7)]
    assert {len(nonce) for nonce in nonces} == {12}
    assert len(set(nonces)) == len(nonces)


def test_threads_never_share_nonces():
    seen: list[list[bytes]] = []

    def draw():
        seen.append([aead.random_nonce() for _ in range(3 * aead.NONCES_PER_DRAW)])

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [nonce for batch in seen for nonce in batch]
    assert len(set(every)) == len(every)


def test_a_forked_child_does_not_reuse_the_parents_unused_nonces():
    aead.random_nonce()  # the parent's pool now holds unused nonces
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        os.write(write_end, b"".join(aead.random_nonce() for _ in range(4)))
        os._exit(0)
    os.close(write_end)
    child = os.read(read_end, 48)
    os.close(read_end)
    os.waitpid(pid, 0)
    parent = b"".join(aead.random_nonce() for _ in range(4))
    assert len(child) == 48
    child_nonces = {child[i : i + 12] for i in range(0, 48, 12)}
    parent_nonces = {parent[i : i + 12] for i in range(0, 48, 12)}
    assert not child_nonces & parent_nonces
