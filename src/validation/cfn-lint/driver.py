"""packsmith's cfn-lint driver: one Python start-up for a whole run instead of one per process.

Started as `python driver.py WORKERS` in the folder cfn-lint would run in. It imports cfnlint once,
loads the rules and lints a tiny template (what cfnlint loads lazily is then loaded before the
fork), prints one JSON line `{"version": "1.51.0"}`, then reads a JSON document
`{"files": [...]}` from stdin: the arguments `cfn-lint --format json -- FILE` would get (already
glob-escaped). It forks up to WORKERS workers that take the files one at a time, in the order given
(so the slowest first keeps the end short), and prints one line per file as it is done:
`{"i": INDEX, "ms": MILLISECONDS, "output": "<cfn-lint's JSON output for that file>"}`.

Each file gets its own configuration, parsed from those arguments as cfn-lint's CLI parses them
(the .cfnlintrc of the working folder and of the home folder included), and the rules loaded once
as one cfn-lint process loads them for all its files: the output is what `cfn-lint --format json`
prints for that file.

A file that makes cfnlint raise, or a worker that dies, ends the run: the line
`{"i": INDEX, "error": "..."}` names it, the other workers are killed and the exit code is 1.
`{"unavailable": "..."}` with exit code 3 means this Python cannot run the driver (no cfnlint, no
fork): the caller runs the cfn-lint executable instead. A driver that is killed kills its workers;
a worker whose driver is gone exits (at once on Linux, else when it asks for its next file).
"""

import json
import os
import selectors
import signal
import sys
import tempfile
import time
import traceback

UNAVAILABLE = 3
# Loaded before the fork, so each worker starts warm (the rules resolve schemas lazily).
WARM_UP = """Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: warm-up
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
"""


def emit(stream, document):
    stream.write(json.dumps(document) + "\n")
    stream.flush()


def load():
    """Imports cfnlint and loads the rules as `cfn-lint` does; None (after saying why) if it cannot."""
    if not hasattr(os, "fork"):
        emit(sys.stdout, {"unavailable": "this Python cannot fork"})
        sys.exit(UNAVAILABLE)
    try:
        import cfnlint.version
        from cfnlint.config import ConfigMixIn, configure_logging
        from cfnlint.formatters import JsonFormatter
        from cfnlint.runner.cli import Runner
    except ImportError as error:
        emit(sys.stdout, {"unavailable": "cannot import cfnlint: %s" % error})
        sys.exit(UNAVAILABLE)

    class FileRunner(Runner):
        """cfn-lint's runner for one file, with the rules loaded once for all files."""

        def __init__(self, config, rules):  # pylint: disable=super-init-not-called
            self.config = config
            self.rules = rules

    base = ConfigMixIn(["--format", "json"])
    configure_logging(base.debug, base.info)
    rules = Runner(base).rules
    formatter = JsonFormatter()

    def lint(path):
        config = ConfigMixIn(["--format", "json", "--", path])
        # A file that the configuration ignores gives no findings (the runner would read stdin).
        matches = list(FileRunner(config, rules).run()) if config.templates else []
        matches.sort(key=lambda x: (x.filename, x.linenumber, x.rule.id))
        return formatter.print_matches(matches, rules, config=config)

    return cfnlint.version.__version__, lint


def warm_up(lint):
    with tempfile.TemporaryDirectory(prefix="packsmith-cfn-lint-") as folder:
        path = os.path.join(folder, "warm-up.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(WARM_UP)
        lint(path)


def die_with_parent(parent):
    """Linux: the kernel kills this worker when the driver dies; elsewhere the task pipe's EOF does."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def work(lint, files, tasks, results):
    """A worker: reads file indexes (one a line) until EOF, writes one JSON line for each."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Like `cfn-lint` started with stdin ignored; stdout is the driver's protocol, not cfnlint's.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    out = os.fdopen(results, "w", encoding="utf-8")
    for line in os.fdopen(tasks, "r", encoding="utf-8"):
        index = int(line)
        started = time.perf_counter()
        try:
            output = lint(files[index])
        except SystemExit as error:  # cfnlint exits on some errors (an invalid region, say)
            emit(out, {"i": index, "error": "cfn-lint exited with code %s" % error.code})
            continue
        except Exception:  # pylint: disable=broad-except
            emit(out, {"i": index, "error": "".join(traceback.format_exc(limit=-3)).strip()})
            continue
        ms = (time.perf_counter() - started) * 1000
        emit(out, {"i": index, "ms": round(ms, 1), "output": output})
    os._exit(0)


class Worker:
    def __init__(self, pid, tasks, results):
        self.pid = pid
        self.tasks = os.fdopen(tasks, "w", encoding="utf-8")
        self.results = os.fdopen(results, "r", encoding="utf-8")
        self.current = None

    def give(self, index):
        self.current = index
        self.tasks.write("%d\n" % index)
        self.tasks.flush()


def spawn(lint, files, count):
    parent = os.getpid()
    workers = []
    for _ in range(count):
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                die_with_parent(parent)
                # Only the driver may hold the other ends: a worker sees EOF when the driver is gone.
                for other in workers:
                    other.tasks.close()
                    other.results.close()
                os.close(task_write)
                os.close(result_read)
                work(lint, files, task_read, result_write)
            finally:
                os._exit(1)
        os.close(task_read)
        os.close(result_write)
        workers.append(Worker(pid, task_write, result_read))
    return workers


def kill_all(workers):
    for worker in workers:
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except OSError:
            pass


def how_it_ended(pid):
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "was killed by signal %d" % os.WTERMSIG(status)
    return "exited with code %d" % os.WEXITSTATUS(status)


def run(lint, files, count):
    workers = spawn(lint, files, count)

    def stop(signum, _frame):
        kill_all(workers)
        os._exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)

    pending = iter(range(len(files)))
    selector = selectors.DefaultSelector()
    for worker in workers:
        selector.register(worker.results, selectors.EVENT_READ, worker)
        worker.give(next(pending))
    active = len(workers)
    while active > 0:
        for key, _ in selector.select():
            worker = key.data
            line = worker.results.readline()
            if not line:
                what = how_it_ended(worker.pid)
                emit(sys.stdout, {"i": worker.current, "error": "the cfn-lint worker %s" % what})
                kill_all(workers)
                sys.exit(1)
            sys.stdout.write(line)
            sys.stdout.flush()
            if "error" in json.loads(line):
                kill_all(workers)
                sys.exit(1)
            index = next(pending, None)
            if index is None:
                selector.unregister(worker.results)
                worker.tasks.close()
                active -= 1
            else:
                worker.give(index)
    for worker in workers:
        os.waitpid(worker.pid, 0)


def main():
    count = int(sys.argv[1])
    version, lint = load()
    warm_up(lint)
    emit(sys.stdout, {"version": version})
    text = sys.stdin.read()
    # No document: the caller went away before it had files to give (its end closed stdin).
    files = json.loads(text)["files"] if text.strip() else []
    if files:
        import gc

        # Keeps the warm objects out of the workers' collections: fewer copied pages after fork.
        gc.freeze()
        run(lint, files, min(count, len(files)))


if __name__ == "__main__":
    main()
