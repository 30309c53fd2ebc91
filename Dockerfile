# syntax=docker/dockerfile:1
#
# One image for every smartcity process: web (gunicorn, the default CMD), the
# Celery worker, Celery beat and the one-shot migrate job. docker-compose.yml
# picks the command per service; docs/deployment.md explains the stack.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_ROOT=/var/lib/smartcity/media

# Unprivileged user with a fixed uid/gid (so host-side ownership is predictable).
# It gets a home because gunicorn puts its control socket in ~/.gunicorn/.
# Uploads live outside the code, in a directory the app user owns: a named
# volume mounted there starts with this ownership.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
      --shell /usr/sbin/nologin app \
 && mkdir -p /var/lib/smartcity/media \
 && chown -R app:app /var/lib/smartcity

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml changes.
# packages=[] in pyproject.toml: `pip install .` installs the pinned dependencies
# and no code; the apps are imported from /app, the working directory.
# (setuptools warns that README.md is not here yet; that is harmless.)
COPY pyproject.toml ./
RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info

# The code stays owned by root and read-only to the app user; nothing writes
# under /app at run time (uploads: MEDIA_ROOT, beat schedule: /tmp).
# Translations come as committed .mo files (CI checks they match the .po).
COPY . ./

# Static files for whitenoise (CompressedManifestStaticFilesStorage) into
# /app/staticfiles. Settings refuse to load without SECRET_KEY when DEBUG is off:
# this throwaway value exists for this one command only and is not kept in the
# image. The real key comes from the environment at run time.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput

# Numeric (the app user above), so a runtime can verify it is not root.
USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the worker and beat, which serve no
# HTTP. docker-compose.yml defines a healthcheck per service.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "smartcity.wsgi"]
