"""Quickstart: AWS Batch service jobs under moto's mock_aws, no AWS account needed.

Run:  python examples/quickstart.py
"""

import json

import boto3
from moto import mock_aws

import moto_batch_service  # the service-job API, installed when moto loads its batch service

PAYLOAD = {
    "TrainingJobName": "quickstart",
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    "AlgorithmSpecification": {"TrainingImage": "my-image", "TrainingInputMode": "File"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
    "OutputDataConfig": {"S3OutputPath": "s3://my-bucket/output"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}


@mock_aws
def main() -> None:
    batch = boto3.client("batch", region_name="us-east-1")
    batch.create_service_environment(
        serviceEnvironmentName="training-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName="training-queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "training-env"}],
    )
    for name in ("resnet-a", "resnet-b", "bert"):
        batch.submit_service_job(
            jobName=name,
            jobQueue="training-queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=json.dumps(PAYLOAD),
        )
    # A job seeded straight into the store, already running.
    moto_batch_service.add_service_job("training-queue", "nightly-eval", status="RUNNING")

    print("list_service_jobs(jobQueue='training-queue')  # no status: RUNNING jobs")
    print(
        json.dumps(batch.list_service_jobs(jobQueue="training-queue")["jobSummaryList"], indent=2)
    )
    print("\nlist_service_jobs(filters=[JOB_NAME resnet*])  # a filter: any status")
    response = batch.list_service_jobs(
        jobQueue="training-queue", filters=[{"name": "JOB_NAME", "values": ["resnet*"]}]
    )
    print(json.dumps(response["jobSummaryList"], indent=2))


if __name__ == "__main__":
    main()
