from tests.conftest import submit


def test_submitted_job_is_listed_by_status(batch, queue):
    job = submit(batch, queue, "first")
    listed = batch.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")["jobSummaryList"]
    assert [j["jobId"] for j in listed] == [job["jobId"]]
