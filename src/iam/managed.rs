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
        _ => return None,
    })
}

/// Names this build knows.
pub const NAMES: &[&str] = &[
    "AmazonSSMManagedInstanceCore",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess",
];
