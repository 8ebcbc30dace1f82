# A Camtree node. Build from the repository root:  docker build -t camtree-node .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Camtree.sln ./
COPY Camtree.Protocol/Camtree.Protocol.csproj Camtree.Protocol/
COPY Camtree.Node/Camtree.Node.csproj Camtree.Node/
RUN dotnet restore Camtree.Node/Camtree.Node.csproj
COPY Camtree.Protocol/ Camtree.Protocol/
COPY Camtree.Node/ Camtree.Node/
RUN dotnet publish Camtree.Node/Camtree.Node.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The SQLite file lives in /data: mount a volume there.
ENV Urls=http://0.0.0.0:8080 \
    Camtree__DataDirectory=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "Camtree.Node.dll"]
