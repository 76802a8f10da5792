"""The reset journey through boto3: ForgotPassword, the code from the development mailbox,
a wrong code, then ConfirmForgotPassword. Prints one JSON object with what it saw."""
import json
import re
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

endpoint, client_id, username, email = sys.argv[1:5]
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="AKIATESTTESTTEST0001", aws_secret_access_key="test-secret-key-0000000000000000")
out = {}
sent = idp.forgot_password(ClientId=client_id, Username=username)
out["delivery"] = sent["CodeDeliveryDetails"]
with urllib.request.urlopen(f"{endpoint}/_aws/ses?email={email}") as res:
    messages = json.load(res)["messages"]
code = re.search(r"\b(\d{6,10})\b", messages[-1]["Body"]["text_part"]).group(1)
try:
    idp.confirm_forgot_password(ClientId=client_id, Username=username,
                                ConfirmationCode="000000" if code != "000000" else "000001", Password="Boto-New-Pass1")
except ClientError as err:
    out["wrong_code"] = {"code": err.response["Error"]["Code"], "message": err.response["Error"]["Message"],
                         "status": err.response["ResponseMetadata"]["HTTPStatusCode"]}
done = idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=code, Password="Boto-New-Pass1")
out["confirm_status"] = done["ResponseMetadata"]["HTTPStatusCode"]
out["request_id"] = done["ResponseMetadata"]["RequestId"]
try:
    idp.forgot_password(ClientId=client_id, Username="nobody-" + username)
except ClientError as err:
    out["unknown_user"] = err.response["Error"]["Code"]
print(json.dumps(out))
