"""A throw-away OpenLDAP server (Debian's slapd) with a test tree, run as the current user on a
free loopback port, its database in a temporary directory (mdb, loaded with slapadd)."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port, require, stop, wait_for_port

BASE = "dc=jifen,dc=test"
PEOPLE = f"ou=people,{BASE}"
READER_DN = f"cn=reader,{BASE}"
READER_PASSWORD = "reader-secret"
SCHEMAS = ("core", "cosine", "inetorgperson")

CONFIG = """\
{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {root}/slapd.pid
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{reader}"
rootpw {password}
directory {root}/db
"""


@dataclass(frozen=True)
class Person:
    uid: str
    password: str
    number: str  # employeeNumber: a staff number, or an ID number


def _entry(person: Person) -> str:
    return (
        f"dn: uid={person.uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {person.uid}\n"
        f"cn: {person.uid}\nsn: {person.uid}\nemployeeNumber: {person.number}\n"
        f"userPassword: {person.password}\n"
    )


def _tree(people: list[Person]) -> str:
    head = (
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: jifen\no: jifen\n\n"
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n"
    )
    return "\n".join([head, *(_entry(person) for person in people)])


@dataclass
class Directory:
    uri: str
    process: subprocess.Popen


def start(root: Path, people: list[Person]):
    """Start slapd with `people` under ou=people; yields the Directory and stops it after."""
    slapd = require("slapd", "slapd", "JIFEN_REQUIRE_LDAP")
    slapadd = require("slapadd", "slapd", "JIFEN_REQUIRE_LDAP")
    (root / "db").mkdir(parents=True)
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    config = root / "slapd.conf"
    config.write_text(
        CONFIG.format(
            includes=includes, root=root, base=BASE, reader=READER_DN, password=READER_PASSWORD
        )
    )
    tree = root / "tree.ldif"
    tree.write_text(_tree(people))
    subprocess.run([slapadd, "-f", config, "-l", tree], check=True, capture_output=True)
    port = free_port()
    log = root / "slapd.log"
    with log.open("wb") as out:
        # -d 0: stay in the foreground (so that the test owns the process), log nothing.
        process = subprocess.Popen(
            [slapd, "-f", config, "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log)
        yield Directory(f"ldap://127.0.0.1:{port}", process)
    finally:
        stop(process)
