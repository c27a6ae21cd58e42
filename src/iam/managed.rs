//! AWS managed policies the bank uses, as data (their real action lists, abridged to the
//! statements that matter for EC2 study).

use serde_json::{json, Value};

/// The document of an AWS managed policy, by name.
pub fn document(name: &str) -> Option<Value> {
    Some(match name {
        // AWS managed policy AmazonSSMManagedInstanceCore (Session Manager, Run Command,
        // Patch Manager on the instance).
        "AmazonSSMManagedInstanceCore" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": [
                "ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance",
                "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter",
                "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations",
                "ssm:PutInventory", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult",
                "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
                "ssm:UpdateInstanceInformation"], "Resource": "*"},
            {"Effect": "Allow", "Action": [
                "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], "Resource": "*"},
            {"Effect": "Allow", "Action": [
                "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage",
                "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages",
                "ec2messages:SendReply"], "Resource": "*"}]}),
        "AmazonS3ReadOnlyAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*",
                "s3-object-lambda:Get*", "s3-object-lambda:List*"], "Resource": "*"}]}),
        "AmazonS3FullAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}]}),
        "AmazonDynamoDBFullAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "*"}]}),
        "AmazonDynamoDBReadOnlyAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:BatchGetItem", "dynamodb:Describe*",
                "dynamodb:List*", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
                "dynamodb:PartiQLSelect"], "Resource": "*"}]}),
        "AmazonEC2ReadOnlyAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}),
        "AmazonEC2FullAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Action": "ec2:*", "Effect": "Allow", "Resource": "*"},
            {"Effect": "Allow", "Action": "elasticloadbalancing:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "autoscaling:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:AWSServiceName": [
                "autoscaling.amazonaws.com", "ec2scheduled.amazonaws.com",
                "elasticloadbalancing.amazonaws.com", "spot.amazonaws.com",
                "spotfleet.amazonaws.com", "transitgateway.amazonaws.com"]}}}]}),
        "AdministratorAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        "PowerUserAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
                "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions",
                "account:GetAccountInformation"], "Resource": "*"}]}),
        "CloudWatchAgentServerPolicy" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["cloudwatch:PutMetricData", "ec2:DescribeVolumes",
                "ec2:DescribeTags", "logs:PutLogEvents", "logs:PutRetentionPolicy",
                "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream",
                "logs:CreateLogGroup", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                "xray:GetSamplingRules", "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["ssm:GetParameter"],
             "Resource": "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}]}),
        "EC2InstanceConnect" => json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "EC2InstanceConnect", "Action": ["ec2-instance-connect:SendSSHPublicKey",
                "ec2-instance-connect:SendSerialConsoleSSHPublicKey", "ec2:DescribeInstances",
                "ec2-instance-connect:OpenTunnel", "ec2:DescribeInstanceConnectEndpoints"],
             "Effect": "Allow", "Resource": "*"}]}),
        "AmazonSSMReadOnlyAccess" => json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ssm:Describe*", "ssm:Get*", "ssm:List*"], "Resource": "*"}]}),
        _ => return None,
    })
}

/// The ARN of an AWS managed policy (`arn:aws:iam::aws:policy/NAME`).
pub fn arn(name: &str) -> String {
    format!("arn:aws:iam::aws:policy/{name}")
}

/// The AWS managed policy an ARN names, if this build knows it.
pub fn name_of_arn(arn: &str) -> Option<&'static str> {
    let name = arn.strip_prefix("arn:aws:iam::aws:policy/")?;
    // Managed policies may sit under a path (service-role/…); the name is the last part.
    let name = name.rsplit('/').next()?;
    NAMES.iter().copied().find(|n| *n == name)
}

/// Names this build knows.
pub const NAMES: &[&str] = &[
    "AmazonSSMManagedInstanceCore",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonEC2FullAccess",
    "AdministratorAccess",
    "PowerUserAccess",
    "CloudWatchAgentServerPolicy",
    "EC2InstanceConnect",
    "AmazonSSMReadOnlyAccess",
];
