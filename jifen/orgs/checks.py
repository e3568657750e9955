from django.conf import settings
from django.core import checks

from jifen.orgs import encryption


@checks.register()
def personal_data_key_check(app_configs, **kwargs):
    """Keys that cannot be read, and a cipher setting the current key does not follow (after
    JIFEN_PERSONAL_DATA_CIPHER changed and before rotate_personal_data_key made a key for it)."""
    try:
        key = encryption.current()
        encryption.decrypt(encryption.encrypt("check", "check"), "check")
    except Exception as error:  # a key that cannot be read, a cipher OpenSSL lacks: say so
        return [checks.Error(str(error), id="jifen.orgs.E001")]
    wanted = settings.JIFEN_PERSONAL_DATA_CIPHER
    if key.cipher == wanted:
        return []
    message = (
        f"JIFEN_PERSONAL_DATA_CIPHER is {wanted} but the current personal data key is for "
        f"{key.cipher}: values are encrypted with the key's cipher until "
        "`manage.py rotate_personal_data_key` makes a key for the setting's."
    )
    return [checks.Warning(message, id="jifen.orgs.W001")]
