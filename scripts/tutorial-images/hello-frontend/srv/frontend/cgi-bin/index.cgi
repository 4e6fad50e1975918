#!/bin/sh
# proxy_pass http://hello: the request goes to the `hello` Service (resolved through the pod's
# cluster DNS) and its answer is relayed as it came (httpd passes a reply starting with HTTP/ through).
answer="$(printf 'GET %s HTTP/1.0\r\nHost: hello\r\nX-Forwarded-By: frontend\r\n\r\n' "${REQUEST_URI:-/}" | nc -w 5 hello 80)"
if [ -n "$answer" ]; then
  printf '%s\n' "$answer"
else
  printf 'HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n'
fi
