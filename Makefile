# jifen — the two commands of the README quick start are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: setup run worker test lint format messages bench clean

# Directory sign-in (the ldap extra) builds python-ldap against Debian's OpenLDAP headers; where
# they cannot be installed, everything else is, and the LDAP tests say why they are skipped.
$(STAMP): pyproject.toml
	scripts/system-deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,ldap,s3]' || { \
	  echo "setup: directory sign-in not installed (needs libldap-dev libsasl2-dev)" >&2; \
	  $(PY) -m pip install --quiet -e '.[dev,s3]'; }
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

jifen/static/vendor/.stamp: node_modules/.package-lock.json scripts/vendor-assets.sh
	scripts/vendor-assets.sh
	touch $@

setup: $(STAMP) jifen/static/vendor/.stamp
	scripts/system-deps.sh
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# The background worker runs beside the development server; Ctrl-C stops both. The address
# (HOST=host:port, default 127.0.0.1:8000) is checked first, before anything is migrated (a job it was
# running is run again when its lease runs out, by the next worker).
run: setup
	@$(PY) scripts/check_port.py $(HOST)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST)

# The background worker alone: large exports and imports (django-tasks), recovery of jobs whose
# worker died, purging of expired files. Several may run, on one server or many.
worker: setup
	$(PY) manage.py run_worker

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --no-obsolete

bench: setup
	$(PY) bench/year_close.py
	$(PY) bench/exports.py
	$(PY) bench/integrity.py
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) node_modules jifen/static/vendor var/staticfiles
