# Builds the single motcua binary (pure Go, no cgo) into a small image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /motcua ./cmd/motcua

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /motcua /motcua
ENV MOTCUA_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
# The binary checks itself: the image has no shell or curl.
HEALTHCHECK --interval=15s --timeout=6s --start-period=120s --retries=3 CMD ["/motcua", "healthcheck"]
ENTRYPOINT ["/motcua"]
CMD ["serve"]
