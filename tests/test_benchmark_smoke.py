"""The benchmark runs and prints every figure (a smoke run at small N; no timing is judged)."""

import subprocess
import sys
from pathlib import Path

import pytest

FIGURES = (
    "list_page_vs_floor",
    "list_page_vs_moto_list_jobs",
    "submit_vs_floor",
    "submit_vs_moto_submit_job",
    "list_page_vs_floor_immediate",
    "list_page_vs_moto_list_jobs_immediate",
    "submit_vs_floor_immediate",
    "submit_vs_moto_submit_job_immediate",
    "page_at_large_n_vs_small_n_status",
    "page_at_large_n_vs_small_n_job_name",
    "page_at_large_n_vs_small_n_sparse_job_name",
    "bytes_per_held_job_tracemalloc",
    "bytes_per_held_job_rss",
    "startup_import_package_vs_import_moto",
    "startup_pytest_with_plugin_vs_without",
    "startup_first_describe_job_queues_with_package_vs_plain_moto",
    "startup_first_list_service_jobs_cpu_seconds",
    "startup_first_list_service_jobs_wall_seconds",
    "startup_first_dispatch_seconds",
    "startup_first_dispatch_vs_second_dispatch",
)


def test_quick_benchmark_prints_every_figure_and_a_summary():
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    for figure in FIGURES:
        assert float(lines[figure]) >= 0, figure  # RSS may not grow at small N
    for figure in FIGURES:
        if figure != "bytes_per_held_job_rss":
            assert float(lines[figure]) > 0, figure
    assert lines["summary"].startswith(("all targets met", "targets missed: "))


@pytest.mark.requires_operation("CreateQuotaShare")  # its quota-management queues
def test_quick_scale_benchmark_prints_every_figure_and_a_summary():
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "scale.py"
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    for kind in ("fifo", "fairshare", "quota"):
        for transition in ("default", "immediate", "time"):
            prefix = f"scale_{kind}_{transition}"
            for operation in ("describe", "list_page", "submit", "terminate"):
                for figure in ("small_ms", "large_ms", "large_vs_small"):
                    assert float(lines[f"{prefix}_{operation}_{figure}"]) > 0
            assert float(lines[f"{prefix}_backlog_large_vs_small_times_n"]) > 0
    for operation in ("describe", "list_page", "submit", "terminate"):
        assert float(lines[f"held_{operation}_large_vs_small"]) > 0
    assert lines["summary"].startswith(("all targets met", "targets missed: "))
