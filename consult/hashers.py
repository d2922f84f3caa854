"""Password hashing: Argon2id at OWASP's minimum for it (19 MiB of memory, two passes,
one lane) instead of Django's default (100 MiB, two passes, eight lanes). Django's
default cost about a quarter of a second of CPU per login on the two-core machines
this runs on, so a morning's logins queued behind each other. Hashes made with other
parameters still verify, and are redone with these at the next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    # https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
