<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>DeepMapper</name>
    <message>
        <source>Cloud and shadow mask</source>
        <translation>Masque de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Image analysis</source>
        <translation>Analyse d'image</translation>
    </message>
    <message>
        <source>Input image</source>
        <translation>Image en entrée</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Capteur</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Processeur</translation>
    </message>
    <message>
        <source>Cloud mask</source>
        <translation>Masque de nuages</translation>
    </message>
    <message>
        <source>Cloud and shadow probabilities</source>
        <translation>Probabilités de nuage et d'ombre</translation>
    </message>
    <message>
        <source>Cloud and shadow polygons</source>
        <translation>Polygones de nuages et d'ombres</translation>
    </message>
    <message>
        <source>Cloud cover (% of valid pixels)</source>
        <translation>Couverture nuageuse (% des pixels valides)</translation>
    </message>
    <message>
        <source>Cloud shadow (% of valid pixels)</source>
        <translation>Ombres de nuages (% des pixels valides)</translation>
    </message>
    <message>
        <source>Number of polygons written</source>
        <translation>Nombre de polygones écrits</translation>
    </message>
    <message>
        <source>Model used</source>
        <translation>Modèle utilisé</translation>
    </message>
    <message>
        <source>Dilate shadows by pixels</source>
        <translation>Dilater les ombres (pixels)</translation>
    </message>
    <message>
        <source>Dilate clouds by pixels (-1: the model's default)</source>
        <translation>Dilater les nuages (pixels ; -1 : valeur du modèle)</translation>
    </message>
    <message>
        <source>Minimum polygon area (map units²)</source>
        <translation>Surface minimale des polygones (unités de carte²)</translation>
    </message>
    <message>
        <source>Scale to reflectance (0: detect)</source>
        <translation>Facteur vers la réflectance (0 : détection)</translation>
    </message>
    <message>
        <source>Offset to reflectance</source>
        <translation>Décalage vers la réflectance</translation>
    </message>
    <message>
        <source>Band mapping (optional, e.g. B2,B3,B4,B8 or blue=1,nir=4)</source>
        <translation>Correspondance des bandes (facultatif, p. ex. B2,B3,B4,B8 ou blue=1,nir=4)</translation>
    </message>
    <message>
        <source>Model id or model card path (empty: best for the bands)</source>
        <translation>Identifiant du modèle ou chemin de sa fiche (vide : le meilleur pour les bandes)</translation>
    </message>
    <message>
        <source>Tile size in pixels (0: the model's own)</source>
        <translation>Taille des tuiles en pixels (0 : celle du modèle)</translation>
    </message>
    <message>
        <source>Tile overlap in pixels (0: the model's margin; never less than it)</source>
        <translation>Recouvrement des tuiles en pixels (0 : la marge du modèle ; jamais moins)</translation>
    </message>
    <message>
        <source>Tiles per batch (0: from free memory)</source>
        <translation>Tuiles par lot (0 : selon la mémoire libre)</translation>
    </message>
    <message>
        <source>&amp;DeepMapper</source>
        <translation>&amp;DeepMapper</translation>
    </message>
    <message>
        <source>Cloud and shadow mask…</source>
        <translation>Masque de nuages et d'ombres…</translation>
    </message>
    <message>
        <source>Check dependencies…</source>
        <translation>Vérifier les dépendances…</translation>
    </message>
    <message>
        <source>DeepMapper dependencies</source>
        <translation>Dépendances de DeepMapper</translation>
    </message>
    <message>
        <source>Missing Python packages: {}. {}</source>
        <translation>Paquets Python manquants : {}. {}</translation>
    </message>
    <message>
        <source>Assess accuracy (confusion matrix, F-score, kappa)</source>
        <translation>Évaluer la précision (matrice de confusion, F-score, kappa)</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Précision</translation>
    </message>
    <message>
        <source>Prediction (class raster)</source>
        <translation>Prédiction (raster de classes)</translation>
    </message>
    <message>
        <source>Band of the prediction</source>
        <translation>Bande de la prédiction</translation>
    </message>
    <message>
        <source>Reference polygons or points</source>
        <translation>Polygones ou points de référence</translation>
    </message>
    <message>
        <source>Class field of the reference (names or class ids)</source>
        <translation>Champ de classe de la référence (noms ou identifiants)</translation>
    </message>
    <message>
        <source>Class mapping, reference=raster (optional, e.g. clear=0,cloud=1,shadow=2)</source>
        <translation>Correspondance des classes, référence=raster (facultatif, p. ex. clear=0,cloud=1,shadow=2)</translation>
    </message>
    <message>
        <source>Beta of the F-score (1: F1, 2: F2)</source>
        <translation>Bêta du F-score (1 : F1, 2 : F2)</translation>
    </message>
    <message>
        <source>Positive classes for a binary view (optional, e.g. cloud,cloud shadow)</source>
        <translation>Classes positives pour une vue binaire (facultatif, p. ex. cloud,cloud shadow)</translation>
    </message>
    <message>
        <source>Class for object-level scores (optional, e.g. building)</source>
        <translation>Classe pour les scores par objet (facultatif, p. ex. building)</translation>
    </message>
    <message>
        <source>IoU for an object match</source>
        <translation>IoU pour apparier un objet</translation>
    </message>
    <message>
        <source>Accuracy report</source>
        <translation>Rapport de précision</translation>
    </message>
    <message>
        <source>HTML files (*.html)</source>
        <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
        <source>Per-class accuracy table</source>
        <translation>Table de précision par classe</translation>
    </message>
    <message>
        <source>Overall accuracy (0..1)</source>
        <translation>Précision globale (0..1)</translation>
    </message>
    <message>
        <source>Cohen's kappa</source>
        <translation>Kappa de Cohen</translation>
    </message>
    <message>
        <source>Macro mean F-beta (0..1)</source>
        <translation>F-bêta moyen (macro, 0..1)</translation>
    </message>
    <message>
        <source>Support-weighted mean F-beta (0..1)</source>
        <translation>F-bêta moyen pondéré par l'effectif (0..1)</translation>
    </message>
    <message>
        <source>F-beta of the positive classes (binary view)</source>
        <translation>F-bêta des classes positives (vue binaire)</translation>
    </message>
    <message>
        <source>Object-level F1 (OBJECT_CLASS)</source>
        <translation>F1 par objet (OBJECT_CLASS)</translation>
    </message>
    <message>
        <source>Pixels assessed</source>
        <translation>Pixels évalués</translation>
    </message>
    <message>
        <source>Labelled pixels excluded as nodata</source>
        <translation>Pixels étiquetés exclus (sans données)</translation>
    </message>
    <message>
        <source>Pixels excluded: reference classes overlap</source>
        <translation>Pixels exclus : classes de référence superposées</translation>
    </message>
</context>
</TS>
