from client import TIMEOUT_SECONDS, request_options
from jobs import describe_job, is_internal

if __name__ == "__main__":
    print(describe_job("users", "/users"))
    print(describe_job("orders", "orders"))
    print("options:", request_options())
    print("internal:", is_internal("https://api.example.com/v2/users"))
    print("retry budget:", 3 * TIMEOUT_SECONDS, "s")
